#include "base/error.hpp"
#include "payload/events.hpp"
#include "payload/generator.hpp"
#include "payload/sample_data.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <set>

using namespace linkhook;
using Json = nlohmann::ordered_json;

namespace {

constexpr UnixSeconds k_time = 1760869800;

std::string render(std::string_view fixture, std::uint64_t seed,
                   std::span<const Assignment> assignments = {}) {
  PayloadGenerator generator(fixture, assignments);
  Random random(seed);
  std::string out;
  generator.append(out, random, k_time);
  return out;
}

Json event_payload(std::string_view name, std::uint64_t seed) {
  return Json::parse(render(require_event(name).fixture, seed));
}

std::string run(const GenerateRequest& request) {
  std::string out;
  generate_payloads(request, [&](std::string_view chunk) { out += chunk; });
  return out;
}

} // namespace

TEST_SUITE("payload/generator") {
  TEST_CASE("the same seed gives the same bytes, other seeds give others") {
    const auto fixture = require_event("link.clicked").fixture;
    CHECK(render(fixture, 7) == render(fixture, 7));
    std::set<std::string> seen;
    for (std::uint64_t seed = 0; seed < 20; ++seed) {
      seen.insert(render(fixture, seed));
    }
    CHECK(seen.size() == 20);
  }

  TEST_CASE("literal text is kept and placeholders are filled") {
    CHECK(render(R"({"a": "x{{timestamp}}y", "b": [1, true, null], "c": "\"q\""})", 1) ==
          R"({"a":"x2025-10-19T10:30:00Zy","b":[1,true,null],"c":"\"q\""})");
  }

  TEST_CASE("a string that is exactly a numeric placeholder becomes a number") {
    const auto doc = Json::parse(render(R"({"n": "{{int:5-9}}", "s": "n={{int:5-9}}"})", 3));
    REQUIRE(doc["n"].is_number_integer());
    CHECK(doc["n"] >= 5);
    CHECK(doc["n"] <= 9);
    CHECK(doc["s"] == "n=" + doc["n"].dump()); // the same placeholder has one value per payload
  }

  TEST_CASE("equal placeholders agree within a payload and differ between labels") {
    for (std::uint64_t seed = 0; seed < 50; ++seed) {
      const auto doc = event_payload("link.clicked", seed);
      const auto& link = doc["data"]["link"];
      CHECK(link["short_url"] == "https://lnk.ly/" + link["id"].get<std::string>());
      const auto qr = event_payload("qr.scanned", seed);
      CHECK(qr["data"]["qr_code"]["link_id"] == qr["data"]["link"]["id"]);
    }
  }

  TEST_CASE("grouped values agree: a city is in its country, a device matches its browser") {
    for (std::uint64_t seed = 0; seed < 200; ++seed) {
      const auto click = event_payload("link.clicked", seed)["data"]["click"];
      const auto locations = sample::locations();
      CHECK(std::any_of(locations.begin(), locations.end(), [&](const sample::Location& l) {
        return click["country"] == l.country && click["city"] == l.city;
      }));
      const auto clients = sample::clients();
      CHECK(std::any_of(clients.begin(), clients.end(), [&](const sample::Client& c) {
        return click["device"] == c.device && click["browser"] == c.browser &&
               click["user_agent"] == c.user_agent;
      }));
      const auto scan = event_payload("qr.scanned", seed)["data"]["scan"];
      CHECK(scan["device"] != "desktop");
    }
  }

  TEST_CASE("plan changes go the right way and milestones match their labels") {
    const auto plans = sample::plans();
    const auto rank = [&](const Json& plan) {
      return std::find(plans.begin(), plans.end(), plan.get<std::string>()) - plans.begin();
    };
    for (std::uint64_t seed = 0; seed < 200; ++seed) {
      const auto up = event_payload("account.upgraded", seed)["data"]["plan"];
      CHECK(rank(up["previous"]) < rank(up["current"]));
      const auto down = event_payload("account.downgraded", seed)["data"]["plan"];
      CHECK(rank(down["previous"]) > rank(down["current"]));
      const auto milestone = event_payload("analytics.milestone", seed)["data"]["milestone"];
      const auto milestones = sample::milestones();
      CHECK(std::any_of(milestones.begin(), milestones.end(), [&](const sample::Milestone& m) {
        return milestone["clicks"] == m.clicks && milestone["label"] == m.label;
      }));
    }
  }

  TEST_CASE("times before and after the payload's time fall on the right side of it") {
    for (std::uint64_t seed = 0; seed < 100; ++seed) {
      const auto link = event_payload("link.expired", seed)["data"]["link"];
      CHECK(link["created_at"].get<std::string>() < link["expires_at"].get<std::string>());
      const auto key = event_payload("api.key_created", seed)["data"]["api_key"];
      CHECK(key["created_at"].get<std::string>() < key["expires_at"].get<std::string>());
    }
  }

  TEST_CASE("assignments override fields, create objects, and are never expanded") {
    const std::vector<Assignment> sets = {parse_assignment("data.link.title=Hi"),
                                          parse_assignment("data.extra.n=5"),
                                          parse_assignment("data.click.ip={{ip}}")};
    const auto doc = Json::parse(render(require_event("link.clicked").fixture, 1, sets));
    CHECK(doc["data"]["link"]["title"] == "Hi");
    CHECK(doc["data"]["extra"]["n"] == 5);
    CHECK(doc["data"]["click"]["ip"] == "{{ip}}");
  }

  TEST_CASE("created_path_notes: a note per path some events lack, with the nearest real one") {
    const std::vector<const EventInfo*> qr = {find_event("qr.scanned")};
    const std::vector<Assignment> sets = {parse_assignment("data.qr.id=qr_42"),
                                          parse_assignment("data.qr_code.id=qr_42")};
    CHECK(created_path_notes(qr, sets) ==
          std::vector<std::string>{"--set data.qr.id: qr.scanned has no such field, so it is "
                                   "created (did you mean 'data.qr_code.id'?)"});
    const std::vector<const EventInfo*> two = {find_event("link.clicked"),
                                               find_event("team.member_added")};
    const std::vector<Assignment> title = {parse_assignment("data.link.title=x")};
    CHECK(created_path_notes(two, title) ==
          std::vector<std::string>{
              "--set data.link.title: team.member_added has no such field, so it is created"});
  }

  TEST_CASE("a bad fixture or placeholder is an error naming it") {
    CHECK_THROWS_AS(render("[1]", 1), Error);
    CHECK_THROWS_AS(render("not json", 1), Error);
    CHECK_THROWS_WITH_AS(render(R"({"a":"{{nope}}"})", 1), "unknown placeholder '{{nope}}'", Error);
    CHECK_THROWS_AS(render(R"({"a":"{{int:9-1}}"})", 1), Error);
    CHECK_THROWS_AS(render(R"({"a":"{{int:x}}"})", 1), Error);
    CHECK_THROWS_AS(render(R"({"a":"{{plan_to:sideways}}"})", 1), Error);
  }

  TEST_CASE("generate_payloads writes rounds of one payload per event, one per line") {
    GenerateRequest request;
    request.events = {&require_event("qr.scanned"), &require_event("link.created")};
    request.count = 3;
    request.seed = 11;
    request.timestamp = k_time;
    const auto out = run(request);
    CHECK(out == run(request));
    std::vector<std::string> names;
    std::size_t start = 0;
    for (auto end = out.find('\n'); end != std::string::npos; end = out.find('\n', start)) {
      names.push_back(Json::parse(out.substr(start, end - start))["event"]);
      start = end + 1;
    }
    CHECK(names == std::vector<std::string>{"qr.scanned", "link.created", "qr.scanned",
                                            "link.created", "qr.scanned", "link.created"});

    request.pretty = true;
    const auto pretty = run(request);
    CHECK(pretty.find("\n  \"data\": {") != std::string::npos);
    CHECK(pretty.find("qr.scanned") < pretty.find("link.created"));
  }
}
