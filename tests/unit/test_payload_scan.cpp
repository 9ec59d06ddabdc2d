#include "payload_scan.hpp"

#include <doctest/doctest.h>

using namespace linkhook;

TEST_SUITE("payload_scan") {
  TEST_CASE("finds the top-level event of a JSON body") {
    const auto scan = scan_payload(R"({"data":{"event":"inner"},"event":"link.created"})");
    CHECK(scan.json);
    CHECK(scan.event == "link.created");
    CHECK(scan.error.empty());
  }

  TEST_CASE("an event that is not a string, or none, is empty, and JSON is still JSON") {
    CHECK(scan_payload(R"({"event":7})").event.empty());
    CHECK(scan_payload(R"({"event":{"x":"y"}})").event.empty());
    CHECK(scan_payload("[1,2]").json);
    CHECK(scan_payload("[1,2]").event.empty());
  }

  TEST_CASE("anything that is not JSON says why") {
    for (const char* body : {"", "not json", "{\"event\":", "{} trailing", "{\"a\":\"\xff\"}"}) {
      const auto scan = scan_payload(body);
      CHECK_MESSAGE(!scan.json, body);
      CHECK(!scan.error.empty());
      CHECK(scan.error.find("json.exception") == std::string::npos);
    }
  }
}
