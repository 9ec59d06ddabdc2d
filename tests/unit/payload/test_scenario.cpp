#include "base/error.hpp"
#include "payload/scenario.hpp"
#include "schema/payload_validator.hpp"

#include <doctest/doctest.h>
#include <set>

using namespace linkhook;
using Json = nlohmann::json;

namespace {

constexpr UnixSeconds k_start = 1760869800; // 2025-10-19T10:30:00Z

std::vector<Json> payloads_of(const std::vector<StoryPayload>& story) {
  std::vector<Json> out;
  for (const auto& payload : story) {
    out.push_back(Json::parse(payload.body));
  }
  return out;
}

std::string problem(std::string_view text) {
  try {
    parse_scenario(text, "my.json");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

} // namespace

TEST_SUITE("payload/scenario") {
  TEST_CASE("every built-in story is valid, in time order, and the same for the same seed") {
    const PayloadValidator validator;
    REQUIRE(builtin_scenarios().size() >= 7);
    for (const auto& scenario : builtin_scenarios()) {
      for (std::uint64_t seed = 0; seed < 5; ++seed) {
        const auto story = tell_story(scenario, seed, k_start);
        REQUIRE(story.size() == scenario.payloads);
        UnixSeconds last = k_start;
        for (const auto& payload : story) {
          const auto violation = validator.check(std::string_view(payload.body));
          REQUIRE_MESSAGE(!violation, scenario.name, ": ", describe(*violation));
          CHECK(payload.time >= last);
          last = payload.time;
          CHECK(Json::parse(payload.body)["timestamp"] == format_iso8601(payload.time));
        }
      }
      const auto a = tell_story(scenario, 11, k_start);
      const auto b = tell_story(scenario, 11, k_start);
      const auto c = tell_story(scenario, 12, k_start);
      CHECK(a.front().body == b.front().body);
      CHECK(a.back().body == b.back().body);
      CHECK(a.back().body != c.back().body);
    }
  }

  TEST_CASE("viral-link: one link, 1,200 clicks within the hour, the 1K milestone right after "
            "the 1,000th") {
    for (std::uint64_t seed = 0; seed < 10; ++seed) {
      const auto payloads = payloads_of(tell_story(require_scenario("viral-link"), seed, k_start));
      REQUIRE(payloads.front()["event"] == "link.created");
      const auto link = payloads.front()["data"]["link"]["id"];
      std::size_t clicks = 0;
      std::set<std::string> visitors;
      for (const auto& payload : payloads) {
        CHECK(payload["data"]["link"]["id"] == link);
        CHECK(payload["data"]["user"] == payloads.front()["data"]["user"]);
        if (payload["event"] == "link.clicked") {
          ++clicks;
          visitors.insert(payload["data"]["click"]["ip"].get<std::string>());
        } else if (payload["event"] == "analytics.milestone") {
          CHECK(clicks == 1000);
          CHECK(payload["data"]["milestone"]["clicks"] == 1000);
          CHECK(payload["data"]["link"]["created_at"] == payloads.front()["timestamp"]);
        }
      }
      CHECK(clicks == 1200);
      CHECK(visitors.size() > 300);                                 // varied visitors
      CHECK(payloads.back()["timestamp"] < "2025-10-19T11:30:00Z"); // within the hour
    }
  }

  TEST_CASE("a step after another's Nth, a payload's number, and the times of other steps") {
    const auto scenario = parse_scenario(R"({
      "name": "mine", "values": {"who": "{{email:x}}", "seats": "{{int:3-3}}"},
      "steps": [
        {"name": "a", "event": "link.clicked", "count": 5, "at": "1m", "over": "1h",
         "set": {"data.click.city": "visitor ${n}", "data.user.email": "${who}"}},
        {"name": "b", "event": "link.expired", "after": {"step": "a", "nth": 2},
         "set": {"data.link.created_at": "${time:start}", "data.link.total_clicks": "${seats}"}}
      ]})",
                                         "mine.json");
    const auto story = tell_story(scenario, 3, k_start);
    const auto payloads = payloads_of(story);
    REQUIRE(payloads.size() == 6);
    CHECK(payloads[2]["event"] == "link.expired");
    CHECK(story[2].time == story[1].time);
    CHECK(payloads[2]["data"]["link"]["created_at"] == "2025-10-19T10:30:00Z");
    CHECK(payloads[2]["data"]["link"]["total_clicks"] == 3); // the value's type is kept
    CHECK(payloads[0]["data"]["click"]["city"] == "visitor 1");
    CHECK(payloads[5]["data"]["click"]["city"] == "visitor 5");
    CHECK(payloads[0]["data"]["user"]["email"] == payloads[5]["data"]["user"]["email"]);
    CHECK(story[0].time >= k_start + 60);
  }

  TEST_CASE("a scenario file's mistakes are named") {
    CHECK(problem("[]") == "my.json: not a JSON object");
    CHECK(problem(R"({"steps": []})") == "my.json: the scenario: no \"name\"");
    CHECK(problem(R"({"name": "x", "steps": []})") == "my.json: \"steps\" is not a list of steps");
    CHECK(problem(R"({"name": "x", "steps": [{"event": "link.clickd"}]})").find("link.clicked") !=
          std::string::npos);
    CHECK(problem(R"({"name": "x", "steps": [{"event": "link.clicked", "at": "soon"}]})") ==
          "my.json: step 'step1': \"at\" 'soon' is not a duration like 90s, 5m, 1h30m or 7d");
    CHECK(problem(R"({"name": "x", "steps": [{"event": "link.clicked", "count": 0}]})") ==
          "my.json: step 'step1': \"count\" is not a whole number from 1");
    CHECK(problem(R"({"name": "x", "steps": [{"name": "a", "event": "link.clicked"},
                     {"event": "qr.scanned", "after": {"step": "a", "nth": 2}}]})") ==
          "my.json: step 'step2' comes after payload 2 of step 'a', which has 1");
    CHECK(problem(R"({"name": "x", "steps": [
                     {"event": "qr.scanned", "after": {"step": "later", "nth": 1}}]})")
              .find("not an earlier step") != std::string::npos);
    const auto unknown = parse_scenario(
        R"({"name": "x", "steps": [{"event": "link.clicked", "set": {"data.a": "${nope}"}}]})",
        "x.json");
    CHECK_THROWS_WITH_AS(tell_story(unknown, 1, k_start), "scenario 'x': ${nope} names no value",
                         Error);
    CHECK_THROWS_WITH_AS(require_scenario("viral-lnk"),
                         doctest::Contains("did you mean 'viral-link'"), Error);
  }
}
