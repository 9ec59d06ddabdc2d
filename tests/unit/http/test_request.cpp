#include "http/request.hpp"

#include <doctest/doctest.h>

using namespace linkhook;

namespace {

struct Parsed {
  int status = 0;
  HttpRequest request;
  RequestFraming framing;
};

Parsed parse(std::string_view head) {
  Parsed parsed;
  parsed.status = parse_request_head(head, parsed.request, parsed.framing);
  return parsed;
}

} // namespace

TEST_SUITE("http/request") {
  TEST_CASE("a request line and headers: method, decoded path, headers in order, framing") {
    const auto p = parse("POST /hooks/linkzly%20in?x=1 HTTP/1.1\r\nHost: h\r\n"
                         "Content-Length:  42 \r\nwebhook-id: msg_1\r\nX-Empty:\r\n");
    REQUIRE(p.status == 0);
    CHECK(p.request.method == "POST");
    CHECK(p.request.path == "/hooks/linkzly in");
    REQUIRE(p.request.headers.size() == 4);
    CHECK(*p.request.headers.find("content-length") == "42");
    CHECK(*p.request.headers.find("WEBHOOK-ID") == "msg_1");
    CHECK(p.request.headers.find("x-empty")->empty());
    CHECK(p.framing.content_length == 42U);
    CHECK_FALSE(p.framing.chunked);
    CHECK(p.framing.keep_alive);
    CHECK_FALSE(p.framing.head);
  }

  TEST_CASE("connection, expect, chunked, HEAD and HTTP/1.0") {
    auto p = parse("HEAD / HTTP/1.0\r\n");
    CHECK(p.status == 0);
    CHECK(p.framing.head);
    CHECK_FALSE(p.framing.keep_alive);
    p = parse("POST / HTTP/1.0\r\nConnection: Keep-Alive\r\n");
    CHECK(p.framing.keep_alive);
    p = parse("POST / HTTP/1.1\r\nConnection: upgrade, close\r\nExpect: 100-Continue\r\n"
              "Transfer-Encoding: Chunked\r\n");
    CHECK(p.status == 0);
    CHECK_FALSE(p.framing.keep_alive);
    CHECK(p.framing.expect_continue);
    CHECK(p.framing.chunked);
    CHECK_FALSE(p.framing.content_length);
    p = parse("POST / HTTP/1.1\r\nContent-Length: 7\r\nContent-Length: 7\r\n");
    CHECK(p.status == 0); // the same length twice is one length
    CHECK(p.framing.content_length == 7U);
  }

  TEST_CASE("malformed heads get the status to refuse them with") {
    const std::pair<const char*, int> cases[] = {
        {"", 400},
        {"POST / HTTP/1.1", 400},             // no CRLF
        {"POST /\r\n", 400},                  // no version
        {"POST  / HTTP/1.1\r\n", 400},        // an empty target
        {"POST http://a/ HTTP/1.1\r\n", 400}, // not origin-form
        {"PO(ST / HTTP/1.1\r\n", 400},        // not a token
        {"POST /a b HTTP/1.1\r\n", 400},      // a space in the target
        {"POST /\x01 HTTP/1.1\r\n", 400},     // a control byte
        {"POST / HTTP/1.2\r\n", 505},
        {"POST / HTTP/2\r\n", 505},
        {"POST / SPDY/3\r\n", 400},
        {"POST / HTTP/1.1\r\nNo-Colon\r\n", 400},
        {"POST / HTTP/1.1\r\nSpace : before\r\n", 400},
        {"POST / HTTP/1.1\r\n folded: line\r\n", 400},
        {"POST / HTTP/1.1\r\nX: a\rb\r\n", 400}, // a bare CR in a value
        {"POST / HTTP/1.1\r\nX: a\x7f\r\n", 400},
        {"POST / HTTP/1.1\r\nContent-Length: -1\r\n", 400},
        {"POST / HTTP/1.1\r\nContent-Length: 1e3\r\n", 400},
        {"POST / HTTP/1.1\r\nContent-Length: 1, 2\r\n", 400},
        {"POST / HTTP/1.1\r\nContent-Length: 9999999999999999999\r\n", 400},
        {"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n", 400},
        {"POST / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n", 400},
        {"POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n", 501},
        {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", 501},
        {"POST / HTTP/1.1\r\nExpect: 200-ok\r\n", 417},
    };
    for (const auto& [head, status] : cases) {
      CAPTURE(head);
      CHECK(parse(head).status == status);
    }
  }

  TEST_CASE("percent-decoding keeps what is not an escape") {
    CHECK(parse("GET /%41%zz%4 HTTP/1.1\r\n").request.path == "/A%zz%4");
    CHECK(parse("GET /a+b%2Fc HTTP/1.1\r\n").request.path == "/a+b/c");
  }

  TEST_CASE("the query is kept apart from the path, as it came, and parse_query decodes it") {
    const auto p = parse("GET /api/deliveries?event=link.%2A&q=a+b&x HTTP/1.1\r\n");
    CHECK(p.request.path == "/api/deliveries");
    CHECK(p.request.query == "event=link.%2A&q=a+b&x");
    CHECK(parse("GET /a%3Fb HTTP/1.1\r\n").request.query.empty()); // an escaped '?' is no query
    using Pairs = std::vector<std::pair<std::string, std::string>>;
    CHECK(parse_query(p.request.query) == Pairs{{"event", "link.*"}, {"q", "a b"}, {"x", ""}});
    CHECK(parse_query("filter=data.x%3D1&&filter=a=b") ==
          Pairs{{"filter", "data.x=1"}, {"filter", "a=b"}});
    CHECK(parse_query("").empty());
  }

  TEST_CASE("reason phrases") {
    CHECK(reason_phrase(200) == "OK");
    CHECK(reason_phrase(413) == "Content Too Large");
    CHECK(reason_phrase(299) == "Success");
    CHECK(reason_phrase(599) == "Server Error");
  }
}
