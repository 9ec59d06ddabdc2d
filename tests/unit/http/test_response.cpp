#include "http/response.hpp"

#include <doctest/doctest.h>

using namespace linkhook;

namespace {

ResponseHead parse(std::string_view head) {
  ResponseHead response;
  REQUIRE(parse_response_head(head, response));
  return response;
}

} // namespace

TEST_SUITE("http/response") {
  TEST_CASE("status, Location, Retry-After and a Content-Length body") {
    const auto response = parse("HTTP/1.1 503 Service Unavailable\r\nretry-after:  120 \r\n"
                                "Location: /elsewhere\r\nContent-Length: 12");
    CHECK(response.status == 503);
    CHECK(response.retry_after == "120");
    CHECK(response.location == "/elsewhere");
    CHECK(response.body == ResponseBody::length);
    CHECK(response.length == 12);
    CHECK(response.keep_alive);
  }

  TEST_CASE("how the body is delimited") {
    CHECK(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked").body ==
          ResponseBody::chunked);
    CHECK(parse("HTTP/1.1 204 No Content\r\nContent-Length: 5").body == ResponseBody::none);
    CHECK(parse("HTTP/1.1 100 Continue").body == ResponseBody::none);
    const auto until_close = parse("HTTP/1.1 200 OK");
    CHECK(until_close.body == ResponseBody::until_close);
    CHECK_FALSE(until_close.keep_alive);
    // The client's copy took a header that named "chunked" anywhere for chunked, and the digits a
    // Content-Length began with for its length.
    CHECK(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: notchunked\r\nContent-Length: 2").body ==
          ResponseBody::length);
    CHECK(parse("HTTP/1.1 200 OK\r\nContent-Length: 12abc").body == ResponseBody::bad_length);
  }

  TEST_CASE("what ends the connection after the answer") {
    CHECK_FALSE(parse("HTTP/1.0 200 OK\r\nContent-Length: 0").keep_alive);
    CHECK_FALSE(parse("HTTP/1.1 200 OK\r\nConnection: Close\r\nContent-Length: 0").keep_alive);
    // The client's copy closed on any value holding the letters "close".
    CHECK(parse("HTTP/1.1 200 OK\r\nConnection: notclose\r\nContent-Length: 0").keep_alive);
  }

  TEST_CASE("the first header of a name decides, in any case, and a line without a colon is "
            "skipped") {
    const auto response = parse("HTTP/1.1 307 Temporary Redirect\r\nno colon here\r\n"
                                "LOCATION: /first\r\nlocation: /second\r\nRetry-After: 5\r\n"
                                "retry-after: 9\r\nContent-Length: 3\r\ncontent-length: 7\r\n"
                                "Connection: keep-alive\r\nConnection: close");
    CHECK(response.location == "/first");
    CHECK(response.retry_after == "5");
    CHECK(response.length == 3);
    CHECK(response.keep_alive);
    CHECK(parse("HTTP/1.1 200 OK\r\nContent-Length:\r\nContent-Length: 4").body ==
          ResponseBody::until_close);
  }

  TEST_CASE("a head that is not HTTP/1.x") {
    ResponseHead response;
    CHECK_FALSE(parse_response_head("SSH-2.0-OpenSSH_9.6", response));
    CHECK_FALSE(parse_response_head("HTTP/1.1", response));
    CHECK_FALSE(parse_response_head("HTTP/1.1 abc OK", response));
  }
}
