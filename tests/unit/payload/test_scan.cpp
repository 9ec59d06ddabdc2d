#include "payload/scan.hpp"

#include <doctest/doctest.h>

using namespace linkhook;

TEST_SUITE("payload/scan") {
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

  TEST_CASE("the fast scan decides common payloads, what it leaves, nlohmann decides the same") {
    std::string event;
    CHECK(detail::scan_json_fast(R"( {"event":"link.clicked","data":{"n":[1,-2.5,0]},"ok":true} )",
                                 event));
    CHECK(event == "link.clicked");
    // Left to nlohmann: an exponent, a byte order mark, an escaped key or event, a surrogate
    // escape, deep nesting; scan_payload still reads them as nlohmann does.
    const std::pair<std::string, std::string> undecided[] = {
        {R"({"event":"e","n":1e3})", "e"},
        {"\xef\xbb\xbf{\"event\":\"e\"}", "e"},
        {R"({"ev\u0065nt":"e"})", "e"},
        {R"({"event":"\u0065"})", "e"},
        {R"({"event":"e","s":"\ud83d\ude00"})", "e"},
        {std::string(300, '[') + std::string(300, ']'), ""},
    };
    for (const auto& [body, expected] : undecided) {
      CAPTURE(body);
      CHECK_FALSE(detail::scan_json_fast(body, event));
      CHECK(event.empty());
      const auto scan = scan_payload(body);
      CHECK(scan.json);
      CHECK(scan.event == expected);
    }
    // The last string "event" wins, a later value of another type does not clear it.
    CHECK(scan_payload(R"({"event":"a","event":"b","event":3})").event == "b");
    CHECK(detail::scan_json_nlohmann(R"({"event":"a","event":"b","event":3})").event == "b");
  }

  TEST_CASE("a byte that stops a string is seen wherever it falls in a word of eight") {
    // The fast scan skips plain ASCII eight bytes at a time: a quote, a backslash, a control
    // byte or a non-ASCII byte at any offset must still be seen there.
    for (std::size_t at = 0; at < 20; ++at) {
      CAPTURE(at);
      const std::string before(at, 'a');
      std::string event;
      CHECK(detail::scan_json_fast("{\"event\":\"e\",\"s\":\"" + before + "\"}", event));
      CHECK(event == "e");
      CHECK(detail::scan_json_fast("[\"" + before + "\\n" + before + "\"]", event));
      CHECK(detail::scan_json_fast("[\"" + before + "\xc3\xa9" + before + "\"]", event));
      CHECK_FALSE(detail::scan_json_fast("[\"" + before + "\x01" + before + "\"]", event));
      CHECK_FALSE(detail::scan_json_fast("[\"" + before + "\x7f\xff" + before + "\"]", event));
      CHECK_FALSE(detail::scan_json_fast("[\"" + before + "\\q" + before + "\"]", event));
      CHECK_FALSE(detail::scan_json_fast("[\"" + before, event)); // no closing quote
      // A quote that ends the string early leaves the rest as garbage after it.
      CHECK_FALSE(detail::scan_json_fast("[\"" + before + "\"" + before + "\"]", event));
    }
  }

  TEST_CASE("the fast scan accepts nothing nlohmann refuses") {
    for (const char* body : {"",          " ",
                             "{",         "}",
                             "[1,]",      "{\"a\":1,}",
                             "{\"a\" 1}", "{1:2}",
                             "01",        "-",
                             "1.",        ".5",
                             "+1",        "1e400",
                             "tru",       "nul",
                             "\"\x01\"",  "\"\\x\"",
                             "\"\\u12\"", "\"\\ud800\"",
                             "\"\xc3\"",  "\"\xed\xa0\x80\"",
                             "{} {}",     "[1]x",
                             "\"abc",     "{\"event\":\"e\"} ,"}) {
      CAPTURE(body);
      std::string event;
      CHECK_FALSE(detail::scan_json_fast(body, event));
      CHECK_FALSE(scan_payload(body).json);
    }
  }
}
