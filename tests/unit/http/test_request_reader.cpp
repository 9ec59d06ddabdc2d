#include "http/request_reader.hpp"

#include <doctest/doctest.h>
#include <string>
#include <vector>

using linkhook::RequestReader;
using State = RequestReader::State;

namespace {

// Feeds `input` in pieces of `piece` bytes; returns the bytes taken (all, unless a request ended).
std::size_t feed_in_pieces(RequestReader& reader, std::string_view input, std::size_t piece) {
  std::size_t used = 0;
  while (used < input.size()) {
    const auto chunk = input.substr(used, piece);
    const auto taken = reader.feed(chunk);
    used += taken;
    if (taken < chunk.size() || reader.state() == State::done || reader.state() == State::refused) {
      break;
    }
  }
  return used;
}

} // namespace

TEST_SUITE("http/request_reader") {
  TEST_CASE("a request is read whole however its bytes are cut, and what follows is left") {
    const std::string first = "\r\n\r\nPOST /a HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello";
    const std::string second = "GET /b HTTP/1.1\r\n\r\n";
    for (const std::size_t piece :
         {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{7}, std::size_t{1000}}) {
      CAPTURE(piece);
      RequestReader reader(100);
      const auto used = feed_in_pieces(reader, first + second, piece);
      REQUIRE(reader.state() == State::done);
      CHECK(used == first.size()); // the second request is not taken with the first
      CHECK(reader.request().path == "/a");
      CHECK(reader.request().body == "hello");
      reader.next();
      CHECK(reader.state() == State::idle);
      CHECK(feed_in_pieces(reader, second, piece) == second.size());
      REQUIRE(reader.state() == State::done);
      CHECK(reader.request().method == "GET");
      CHECK(reader.request().body.empty());
    }
  }

  TEST_CASE("a chunked body is decoded as it streams, and bounded by max_body") {
    const std::string head = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
    RequestReader reader(10);
    feed_in_pieces(reader, head + "3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n", 2);
    REQUIRE(reader.state() == State::done);
    CHECK(reader.request().body == "abcdefg");
    CHECK_FALSE(reader.request().body_too_large);

    reader.next();
    feed_in_pieces(reader, head + "8\r\n12345678\r\n8\r\n12345678\r\n", 5);
    REQUIRE(reader.state() == State::done); // at the chunk that would pass 10 bytes
    CHECK(reader.request().body_too_large);
    CHECK(reader.request().body.size() <= 10);
  }

  TEST_CASE("a Content-Length over max_body is not read, and asks no 100 Continue") {
    RequestReader reader(10);
    reader.feed("POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 11\r\n\r\n");
    REQUIRE(reader.state() == State::done);
    CHECK(reader.request().body_too_large);
    CHECK_FALSE(reader.take_continue());

    RequestReader small(10);
    small.feed("POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n");
    CHECK(small.state() == State::body);
    CHECK(small.take_continue());
    CHECK_FALSE(small.take_continue()); // once
  }

  TEST_CASE("a head over 64 KiB is refused 431 before its end arrives, fed a byte at a time too") {
    std::string flood = "POST / HTTP/1.1\r\n";
    while (flood.size() <= RequestReader::k_max_head) {
      flood += "X-Flood: aaaaaaaaaaaaaaaaaaaaaaaa\r\n";
    }
    for (const std::size_t piece : {std::size_t{1}, std::size_t{4096}}) {
      RequestReader reader(100);
      feed_in_pieces(reader, flood, piece);
      CHECK(reader.state() == State::refused);
      CHECK(reader.refusal() == 431);
    }
  }

  TEST_CASE("a head of exactly 64 KiB is read, one byte more refused, wherever the input is cut") {
    for (const std::size_t extra : {std::size_t{0}, std::size_t{1}}) {
      std::string head = "GET / HTTP/1.1\r\nX-Pad: ";
      head += std::string(RequestReader::k_max_head + extra - head.size() - 2, 'p') + "\r\n";
      REQUIRE(head.size() == RequestReader::k_max_head + extra);
      for (const std::size_t piece : {std::size_t{1}, std::size_t{3}, head.size() + 2}) {
        CAPTURE(extra);
        CAPTURE(piece);
        RequestReader reader(100);
        feed_in_pieces(reader, head + "\r\n", piece);
        CHECK(reader.state() == (extra == 0 ? State::done : State::refused));
      }
    }
  }

  TEST_CASE("bare LFs, a bad head and a broken chunked body are refused with their status") {
    const std::pair<const char*, int> cases[] = {
        {"POST / HTTP/1.1\nHost: x\n\n", 400},
        {"POST / HTTP/1.1\r\nHost: x\n\r\n", 400},
        {"POST / HTTP/2.0\r\n\r\n", 505},
        {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400},
    };
    for (const auto& [input, status] : cases) {
      CAPTURE(input);
      RequestReader reader(100);
      feed_in_pieces(reader, input, 3);
      CHECK(reader.state() == State::refused);
      CHECK(reader.refusal() == status);
    }
  }

  TEST_CASE("the end of input: in a chunked body's framing it is malformed, elsewhere not") {
    RequestReader framing(100);
    framing.feed("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n");
    framing.end_of_input();
    CHECK(framing.state() == State::refused);
    CHECK(framing.refusal() == 400);

    RequestReader data(100);
    data.feed("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n9\r\nabc");
    data.end_of_input();
    CHECK(data.state() == State::body); // cut short: a connection that failed

    RequestReader idle(100);
    idle.end_of_input();
    CHECK(idle.state() == State::idle);
  }
}
