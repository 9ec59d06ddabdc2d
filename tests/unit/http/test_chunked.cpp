#include "http/chunked.hpp"

#include <doctest/doctest.h>
#include <limits>
#include <string>

using namespace linkhook;

namespace {

using State = ChunkedDecoder::State;

struct Decoded {
  State state = State::more;
  std::string body;
  std::size_t used = 0; // of the input, in all
};

// Feeds `input` to a decoder in pieces of `piece` bytes (all at once for 0), as a connection
// would deliver it, until the decoder stops wanting more.
Decoded decode(std::string_view input, std::size_t piece = 0,
               std::uint64_t max_body = std::numeric_limits<std::uint64_t>::max()) {
  ChunkedDecoder decoder(max_body);
  Decoded decoded;
  for (std::size_t at = 0; at < input.size() && decoder.state() == State::more;) {
    auto available = input.substr(at, piece == 0 ? std::string_view::npos : piece);
    while (!available.empty() && decoder.state() == State::more) {
      const auto step = decoder.next(available);
      decoded.body.append(step.data);
      available.remove_prefix(step.used);
      at += step.used;
      decoded.used += step.used;
    }
  }
  decoded.state = decoder.state();
  return decoded;
}

const std::string k_body = "5;name=value\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n";

} // namespace

TEST_SUITE("http/chunked") {
  TEST_CASE("chunk sizes") {
    CHECK(parse_chunk_size("1a") == 26U);
    CHECK(parse_chunk_size("FF;name=value") == 255U);
    CHECK(parse_chunk_size("0") == 0U);
    CHECK(parse_chunk_size(" 5 ") == 5U);
    CHECK_FALSE(parse_chunk_size(""));
    CHECK_FALSE(parse_chunk_size("x"));
    CHECK_FALSE(parse_chunk_size("-1"));
    CHECK_FALSE(parse_chunk_size("0x5"));
    CHECK_FALSE(parse_chunk_size("1000000000000000")); // 16 hex digits: more than any body
    // The client's copy read the digits a size line began with, and let the rest pass.
    CHECK_FALSE(parse_chunk_size("5 garbage"));
    CHECK_FALSE(parse_chunk_size("5z"));
  }

  TEST_CASE("a body with extensions and trailers decodes alike, whole or a byte at a time") {
    for (const std::size_t piece : {0U, 1U, 2U, 3U, 7U}) {
      CAPTURE(piece);
      const auto decoded = decode(k_body + "POST /next", piece);
      CHECK(decoded.state == State::done);
      CHECK(decoded.body == "hello world");
      CHECK(decoded.used == k_body.size()); // what follows the body is left to the connection
    }
  }

  TEST_CASE("an empty body, and a body not ended yet") {
    CHECK(decode("0\r\n\r\n").state == State::done);
    const auto cut = decode("5\r\nhel");
    CHECK(cut.state == State::more);
    CHECK(cut.body == "hel");
    ChunkedDecoder decoder;
    decoder.next("5\r\nhel");
    CHECK(decoder.in_data());
    decoder.next("lo\r");
    CHECK_FALSE(decoder.in_data()); // in the CRLF after the data
  }

  TEST_CASE("framing that is not chunked is malformed") {
    for (const std::string input : {
             "zz\r\nhello\r\n0\r\n\r\n",           // not a hex size
             "5 garbage\r\nhello\r\n0\r\n\r\n",    // the client's copy read this as 5
             "5\nhello\r\n0\r\n\r\n",              // a bare LF: the client's copy read on
             "5\r\nhelloXX0\r\n\r\n",              // no CRLF after the data
             "5\r\nhello\n0\r\n\r\n",              // a bare LF after the data
             "1000000000000000\r\nx\r\n0\r\n\r\n", // 16 digits: the client's copy took them
             "0\r\nX-Trailer: t\n\r\n",            // a trailer ended by a bare LF
         }) {
      CAPTURE(input);
      CHECK(decode(input).state == State::malformed);
      CHECK(decode(input, 1).state == State::malformed);
    }
  }

  TEST_CASE("lines are bounded, however they arrive: the client's copy had no bound") {
    const std::string extension(ChunkedDecoder::k_max_line, 'e');
    for (const std::size_t piece : {0U, 1000U}) {
      CAPTURE(piece);
      CHECK(
          decode("1;" + extension.substr(0, ChunkedDecoder::k_max_line - 3) + "\r\nx\r\n0\r\n\r\n",
                 piece)
              .state == State::done); // 4096 bytes with the CR
      CHECK(decode("1;" + extension + "\r\nx\r\n0\r\n\r\n", piece).state == State::malformed);
      CHECK(decode("1;" + extension, piece).state == State::malformed); // before its end came
      CHECK(decode("0\r\nX: " + extension + "\r\n\r\n", piece).state == State::malformed);
    }
  }

  TEST_CASE("trailers are bounded: the client's copy read any number") {
    std::string trailers;
    for (int i = 0; i < ChunkedDecoder::k_max_trailers; ++i) {
      trailers += "X-Trailer: t\r\n";
    }
    CHECK(decode("0\r\n" + trailers + "\r\n").state == State::done);
    CHECK(decode("0\r\n" + trailers + "X-One-More: t\r\n\r\n").state == State::malformed);
  }

  TEST_CASE("a chunk that would pass the limit stops the decoding before its data") {
    const auto decoded = decode("3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n", 0, 5);
    CHECK(decoded.state == State::too_large);
    CHECK(decoded.body == "abc");
    CHECK(decoded.used == 11); // up to the end of the second size line
    CHECK(decode("3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n", 0, 5).state == State::done);
  }
}
