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

  TEST_CASE("add(name) gives an empty value to write, whatever the storage held") {
    Headers headers;
    headers.add("Webhook-Signature", std::string(60, 'A'));
    headers.clear();
    auto& value = headers.add("webhook-timestamp");
    CHECK(value.empty());
    value += "1614265330";
    CHECK(*headers.find("Webhook-Timestamp") == "1614265330");
    CHECK(headers.size() == 1);
  }

  TEST_CASE("a cleared list is empty, and what is added after it is all it holds") {
    Headers headers;
    headers.add("Webhook-Signature", "v1," + std::string(44, 'A'));
    headers.add("Webhook-Id", "msg_first");
    headers.add("Host", "example.com");
    headers.clear();
    CHECK(headers.empty());
    CHECK(headers.begin() == headers.end());
    CHECK_FALSE(headers.contains("host"));
    headers.add("webhook-id", "msg_second");
    CHECK(headers.size() == 1);
    REQUIRE(headers.find("Webhook-Id") != nullptr);
    CHECK(*headers.find("Webhook-Id") == "msg_second");
    CHECK_FALSE(headers.contains("webhook-signature")); // kept as storage, not as a header
    CHECK(std::distance(headers.begin(), headers.end()) == 1);
    CHECK(headers.begin()->name == "webhook-id");
    for (int i = 0; i < 10; ++i) {
      headers.add("X-" + std::to_string(i), std::to_string(i));
    }
    headers.clear(4); // more than 4 kept: all of it is let go
    CHECK(headers.empty());
    headers.add("a", "b");
    CHECK(headers.size() == 1);
    CHECK(*headers.find("A") == "b");
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

  TEST_CASE("split_field_line: a token name right before the colon, a trimmed value") {
    const auto field = split_field_line("Content-Type: \tapplication/json ");
    REQUIRE(field);
    CHECK(field->name == "Content-Type");
    CHECK(field->value == "application/json");
    CHECK(split_field_line("X-Empty:")->value.empty());
    CHECK(split_field_line("Location: http://a/b")->value == "http://a/b");
    CHECK_FALSE(split_field_line("no colon"));
    CHECK_FALSE(split_field_line("Content-Length : 5")); // a space before the colon
    CHECK_FALSE(split_field_line(": value"));
    CHECK_FALSE(split_field_line(" folded: value"));
  }

  TEST_CASE("header_lists finds a token in a comma-separated list, not inside a word") {
    CHECK(header_lists("chunked", "chunked"));
    CHECK(header_lists("gzip, Chunked", "chunked"));
    CHECK(header_lists("gzip,chunked", "chunked"));
    CHECK(header_lists(" keep-alive , Close ", "close"));
    CHECK(header_lists("chunked;name=value", "chunked")); // parameters are not compared
    // The client's copy scanned for the letters anywhere.
    CHECK_FALSE(header_lists("notchunked", "chunked"));
    CHECK_FALSE(header_lists("chunkedness", "chunked"));
    CHECK_FALSE(header_lists("notclose", "close"));
    CHECK_FALSE(header_lists("", "close"));
    CHECK_FALSE(header_lists("gzip; q=chunked", "chunked"));
  }

  TEST_CASE("parse_content_length takes decimal digits and nothing else") {
    CHECK(parse_content_length("0") == 0U);
    CHECK(parse_content_length("1234") == 1234U);
    CHECK(parse_content_length("999999999999999999") == 999999999999999999U);
    // The client's copy read the digits a value began with, and let the rest pass.
    CHECK_FALSE(parse_content_length("12abc"));
    CHECK_FALSE(parse_content_length("12 3"));
    CHECK_FALSE(parse_content_length(""));
    CHECK_FALSE(parse_content_length("+1"));
    CHECK_FALSE(parse_content_length("-1"));
    CHECK_FALSE(parse_content_length("0x10"));
    CHECK_FALSE(parse_content_length("1000000000000000000")); // 19 digits
  }
}
