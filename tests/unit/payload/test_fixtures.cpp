// Every fixture, and what it generates, against the contract: valid JSON of the right event, the
// seed page's shape for link.clicked, and sample data that is never real personal data.
#include "base/timestamp.hpp"
#include "payload/events.hpp"
#include "payload/fixtures.hpp"
#include "payload/generator.hpp"
#include "payload/sample_data.hpp"

#include <doctest/doctest.h>
#include <functional>
#include <regex>

using namespace linkhook;
using Json = nlohmann::ordered_json;

namespace {

// The example payload of the Linkzly webhooks page.
constexpr const char* k_seed_example = R"({
  "event": "link.clicked",
  "timestamp": "2025-10-19T10:30:00Z",
  "data": {
    "link": {"id": "abc123", "short_url": "https://lnk.ly/abc123",
             "original_url": "https://example.com/product", "title": "Amazing Product Page"},
    "click": {"id": "click_456", "ip": "192.168.1.1", "user_agent": "Mozilla/5.0...",
              "referrer": "https://twitter.com", "country": "US", "city": "San Francisco",
              "device": "desktop", "browser": "Chrome"},
    "user": {"id": "user_789", "email": "user@example.com"}
  }
})";

// Same keys in the same order with values of the same type, all the way down.
void check_same_shape(const Json& expected, const Json& actual, const std::string& where) {
  INFO(where);
  REQUIRE(expected.type_name() == std::string(actual.type_name()));
  if (!expected.is_object()) {
    return;
  }
  REQUIRE(expected.size() == actual.size());
  auto a = actual.begin();
  for (auto e = expected.begin(); e != expected.end(); ++e, ++a) {
    CHECK(e.key() == a.key());
    check_same_shape(e.value(), a.value(), where + "." + e.key());
  }
}

void for_each_string(const Json& node, const std::string& key,
                     const std::function<void(const std::string&, const std::string&)>& visit) {
  if (node.is_string()) {
    visit(key, node.get<std::string>());
  }
  for (auto it = node.begin(); node.is_structured() && it != node.end(); ++it) {
    for_each_string(it.value(), node.is_object() ? it.key() : key, visit);
  }
}

bool is_documentation_ip(const std::string& ip) {
  if (ip.starts_with(sample::k_ipv6_documentation_prefix)) {
    return true;
  }
  for (const auto prefix : sample::ipv4_documentation_prefixes()) {
    if (ip.starts_with(prefix)) {
      const int host = std::stoi(ip.substr(prefix.size()));
      return host >= 1 && host <= 254;
    }
  }
  return false;
}

std::vector<Json> generate(const EventInfo& event, std::uint64_t seed, int count) {
  PayloadGenerator generator(event.fixture, {});
  Random random(seed);
  std::vector<Json> result;
  for (int i = 0; i < count; ++i) {
    std::string text;
    generator.append(text, random, 1760869800);
    result.push_back(Json::parse(text));
  }
  return result;
}

} // namespace

TEST_SUITE("payload/fixtures") {
  TEST_CASE("every fixture belongs to one catalog event and is a JSON object of that event") {
    CHECK(embedded_fixtures().size() == events().size());
    for (const auto& fixture : embedded_fixtures()) {
      INFO(fixture.name);
      CHECK(find_event(fixture.name) != nullptr);
      const auto doc = Json::parse(fixture.text);
      CHECK(doc.at("event") == fixture.name);
      CHECK(doc.at("timestamp") == "{{timestamp}}");
      CHECK(doc.at("data").is_object());
      CHECK(doc.size() == 3);
    }
  }

  TEST_CASE("link.clicked has exactly the shape of the seed page's example") {
    const auto expected = Json::parse(k_seed_example);
    for (const auto& payload : generate(require_event("link.clicked"), 1, 50)) {
      check_same_shape(expected, payload, "payload");
    }
  }

  TEST_CASE("generated payloads are valid, of their event, and stamped in ISO-8601 UTC") {
    for (const auto& event : events()) {
      INFO(event.name);
      for (const auto& payload : generate(event, 99, 200)) {
        CHECK(payload.at("event") == event.name);
        CHECK(payload.at("timestamp") == "2025-10-19T10:30:00Z");
        CHECK(payload.at("data").is_object());
      }
    }
  }

  TEST_CASE("sample data is never real personal data") {
    const std::regex email(R"([a-z0-9.\-]+@example\.(com|org|net))");
    const std::regex url(R"(https://([a-z0-9.\-]+\.)?(example\.(com|org|net)|lnk\.ly)(/.*)?)");
    const std::regex host(R"(([a-z0-9\-]+\.)*(example\.(com|org|net)|lnk\.ly))");
    for (const auto& event : events()) {
      for (const auto& payload : generate(event, 5, 300)) {
        for_each_string(payload, "", [&](const std::string& key, const std::string& value) {
          INFO(event.name, " ", key, "=", value);
          if (key == "ip") {
            CHECK(is_documentation_ip(value));
          }
          if (key.find("email") != std::string::npos) {
            CHECK(std::regex_match(value, email));
          }
          if (value.starts_with("http")) {
            CHECK(std::regex_match(value, url));
          }
          if (key == "name" && value.find('.') != std::string::npos) {
            CHECK(std::regex_match(value, host)); // domain names
          }
          CHECK(value.find("{{") == std::string::npos);
        });
      }
    }
  }
}
