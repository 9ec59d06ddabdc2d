#include "base/error.hpp"
#include "http/headers.hpp"

#include <doctest/doctest.h>

using namespace linkhook;

TEST_SUITE("http/headers") {
  TEST_CASE("lookup ignores case and keeps the order and spelling given") {
    Headers headers;
    headers.add("Webhook-ID", "msg_1");
    headers.add("content-type", "application/json");
    headers.add("webhook-id", "msg_2");
    REQUIRE(headers.find("WEBHOOK-id") != nullptr);
    CHECK(*headers.find("WEBHOOK-id") == "msg_1");
    CHECK(headers.contains("Content-Type"));
    CHECK_FALSE(headers.contains("webhook-i"));
    CHECK(headers.size() == 3);
    CHECK(headers.begin()->name == "Webhook-ID");
  }

  TEST_CASE("parse_header_line takes 'Name: value' and trims the value") {
    const auto header = parse_header_line("Stripe-Signature:  t=1,v1=ab \t");
    CHECK(header.name == "Stripe-Signature");
    CHECK(header.value == "t=1,v1=ab");
    CHECK(parse_header_line("x-empty:").value.empty());
    CHECK(parse_header_line("a: b: c").value == "b: c");
  }

  TEST_CASE("parse_header_line names what is wrong") {
    CHECK_THROWS_WITH_AS(parse_header_line("webhook-id msg_1"),
                         "header 'webhook-id msg_1' has no colon; expected 'Name: value'", Error);
    CHECK_THROWS_AS(parse_header_line(": value"), Error);
    CHECK_THROWS_AS(parse_header_line("bad name: value"), Error);
    CHECK_THROWS_WITH_AS(parse_header_line("X-A: 1\r\nX-Injected: 2"),
                         "header 'X-A' has a line break in its value", Error);
    CHECK_THROWS_AS(parse_header_line("X-A: 1\nX-B: 2"), Error);
  }
}
