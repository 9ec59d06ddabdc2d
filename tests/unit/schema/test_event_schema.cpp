#include "payload/events.hpp"
#include "payload/generator.hpp"
#include "schema/event_schema.hpp"
#include "schema/payload_validator.hpp"

#include <doctest/doctest.h>
#include <functional>
#include <string>
#include <vector>

using namespace linkhook;
using Json = nlohmann::json;

namespace {

Json generated(const EventInfo& event, std::uint64_t seed) {
  PayloadGenerator generator(event.fixture, {});
  Random random(seed);
  std::string out;
  generator.append(out, random, 1760869800 + static_cast<UnixSeconds>(seed));
  return Json::parse(out);
}

// The JSON pointers of every scalar (a leaf) of `node`.
void leaves(const Json& node, const std::string& at, std::vector<std::string>& out) {
  if (node.is_object()) {
    for (const auto& [key, value] : node.items()) {
      leaves(value, at + "/" + key, out);
    }
  } else if (node.is_array()) {
    for (std::size_t i = 0; i < node.size(); ++i) {
      leaves(node[i], at + "/" + std::to_string(i), out);
    }
  } else {
    out.push_back(at);
  }
}

} // namespace

TEST_SUITE("schema/event_schema") {
  TEST_CASE("every payload generate makes is valid, for every event and 300 seeds") {
    const PayloadValidator validator;
    for (const auto& event : events()) {
      for (std::uint64_t seed = 0; seed < 300; ++seed) {
        const auto payload = generated(event, seed);
        const auto violation = validator.check(payload);
        REQUIRE_MESSAGE(!violation, event.name, " seed ", seed, ": ", describe(*violation));
      }
    }
  }

  TEST_CASE("a dropped field, a changed type or a bad timestamp is named by its pointer") {
    const PayloadValidator validator;
    for (const auto& event : events()) {
      const auto payload = generated(event, 7);
      std::vector<std::string> paths;
      leaves(payload, "", paths);
      for (const auto& path : paths) {
        const Json::json_pointer pointer(path);
        auto dropped = payload;
        if (!dropped.at(pointer.parent_pointer()).is_array()) {
          dropped.at(pointer.parent_pointer()).erase(pointer.back());
          const auto violation = validator.check(dropped);
          REQUIRE_MESSAGE(violation, event.name, " without ", path);
          CHECK_MESSAGE(violation->pointer == path, event.name, ": ", describe(*violation));
          CHECK_MESSAGE(violation->message.starts_with("missing"), describe(*violation));
        }
        auto changed = payload;
        changed[pointer] = changed[pointer].is_string() ? Json(42) : Json("42");
        const auto violation = validator.check(changed);
        REQUIRE_MESSAGE(violation, event.name, " with ", path, " changed");
        CHECK_MESSAGE(violation->pointer == path, event.name, ": ", describe(*violation));
      }
      auto stale = payload;
      stale["timestamp"] = "2025-13-01T10:00:00Z";
      const auto violation = validator.check(stale);
      REQUIRE(violation);
      CHECK(describe(*violation) ==
            "/timestamp: \"2025-13-01T10:00:00Z\" is not a date-time (RFC 3339: "
            "2025-10-19T10:30:00Z)");
    }
  }

  TEST_CASE("the first violation is the first in the order of the fields") {
    const PayloadValidator validator;
    auto payload = generated(require_event("link.clicked"), 1);
    payload["data"]["user"]["email"] = "nobody";
    payload["data"]["click"]["device"] = "fridge";
    const auto violation = validator.check(payload);
    REQUIRE(violation);
    CHECK(describe(*violation) ==
          "/data/click/device: \"fridge\" is not one of \"desktop\", \"mobile\", \"tablet\"");
  }

  TEST_CASE("RapidJSON's verdict is valijson's, on valid payloads and on broken ones") {
    // conforms() (RapidJSON, on the text) decides; check() of a tree (valijson) names. They must
    // never disagree: a payload is valid for both or for neither.
    const PayloadValidator validator;
    std::size_t compared = 0;
    const auto agree = [&](const Json& payload, const std::string& what) {
      const auto text = payload.dump();
      std::string event;
      const bool fast = validator.conforms(text, &event);
      const auto violation = validator.check(payload);
      CHECK_MESSAGE(fast == !violation, what, ": ", text);
      CHECK(validator.check(std::string_view(text)).has_value() == violation.has_value());
      if (fast) {
        CHECK(event == payload["event"]);
      }
      ++compared;
    };
    const Json odd_values[] = {
        nullptr,         true, 0, -1, 1.5, 1e300, 18446744073709551615ULL, "", "é", Json::object(),
        Json::array({1})};
    for (const auto& event : events()) {
      for (std::uint64_t seed = 0; seed < 20; ++seed) {
        agree(generated(event, seed), std::string(event.name) + " as generated");
      }
      const auto payload = generated(event, 3);
      std::vector<std::string> paths;
      leaves(payload, "", paths);
      for (const auto& path : paths) {
        const Json::json_pointer pointer(path);
        for (const auto& value : odd_values) {
          auto changed = payload;
          changed[pointer] = value;
          agree(changed, path + " = " + value.dump());
        }
        auto longer = payload;
        if (longer[pointer].is_string()) {
          longer[pointer] = "x" + longer[pointer].get<std::string>();
          agree(longer, path + " with a byte before it");
          longer[pointer] = payload[pointer].get<std::string>() + "x";
          agree(longer, path + " with a byte after it");
        }
      }
      auto extra = payload;
      extra["data"]["unknown"] = 1;
      agree(extra, "an extra field");
    }
    auto clicked = generated(require_event("link.clicked"), 5);
    for (const auto* time :
         {"2024-02-29T00:00:00Z", "2025-02-29T00:00:00Z", "2000-02-29T23:59:60Z",
          "1900-02-29T00:00:00Z", "2025-02-30T00:00:00Z", "2025-04-31T00:00:00Z",
          "2025-12-31T23:59:59.123+05:30", "2025-12-31t23:59:59z", "2025-12-31T24:00:00Z",
          "2025-12-31T23:59:59", "2025-1-01T00:00:00Z", " 2025-12-31T23:59:59Z"}) {
      clicked["timestamp"] = time;
      agree(clicked, time);
    }
    for (const auto* ip : {"203.0.113.7", "2001:db8::1", "::", "not an ip", "1.2.3.4 "}) {
      clicked["data"]["click"]["ip"] = ip;
      agree(clicked, ip);
    }
    CHECK(compared > 2500);
  }

  TEST_CASE("what is not a payload of a known event says so") {
    const PayloadValidator validator;
    CHECK(validator.check(std::string_view("{")).value().message == "not JSON");
    CHECK(validator.check(std::string_view("[1]")).value().message == "a payload is a JSON object");
    CHECK(validator.check(std::string_view("{}")).value().pointer == "/event");
    const auto unknown = validator.check(std::string_view(R"({"event":"link.clacked"})"));
    REQUIRE(unknown);
    CHECK(unknown->message == "'link.clacked' is not one of the events (linkhook events)");
  }

  TEST_CASE("the schema carries the fixture's fields, formats, patterns and enums") {
    const auto schema = event_schema(require_event("link.clicked"));
    CHECK(schema["$schema"] == k_schema_draft);
    CHECK(schema["title"] == "link.clicked");
    CHECK(schema["description"] == require_event("link.clicked").description);
    CHECK(schema["properties"]["event"]["const"] == "link.clicked");
    CHECK(schema["required"] == Schema::array({"event", "timestamp", "data"}));
    const auto& click = schema["properties"]["data"]["properties"]["click"]["properties"];
    CHECK(click["id"]["pattern"] == "^click_[a-z0-9]{12}$");
    CHECK(click["device"]["enum"] == Schema::array({"desktop", "mobile", "tablet"}));
    CHECK(click["ip"]["anyOf"][1]["format"] == "ipv6");
    CHECK(schema["properties"]["timestamp"]["format"] == "date-time");
    const auto upgraded = event_schema(require_event("account.upgraded"));
    const auto& plan = upgraded["properties"]["data"]["properties"]["plan"]["properties"];
    CHECK(plan["seats"] == Schema{{"type", "integer"}, {"minimum", 1}, {"maximum", 50}});
    CHECK(plan["billing_cycle"]["enum"] == Schema::array({"monthly", "yearly"}));
    const auto all = all_event_schemas();
    CHECK(all.size() == events().size());
  }

  TEST_CASE("the AsyncAPI document names every event as a message with its payload's schema") {
    const auto document = asyncapi_document("1.2.3");
    CHECK(document["asyncapi"] == "3.0.0");
    CHECK(document["info"]["version"] == "1.2.3");
    const auto& messages = document["components"]["messages"];
    CHECK(messages.size() == events().size());
    for (const auto& event : events()) {
      const std::string name(event.name);
      CHECK(messages[name]["payload"]["$ref"] == "#/components/schemas/" + name);
      CHECK(document["components"]["schemas"][name]["title"] == name);
      CHECK(document["channels"]["webhooks"]["messages"][name]["$ref"] ==
            "#/components/messages/" + name);
    }
    CHECK(document["operations"]["receiveEvent"]["messages"].size() == events().size());
  }
}
