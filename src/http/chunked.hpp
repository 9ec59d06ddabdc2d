#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

// The chunked transfer coding (RFC 9112 section 7.1), decoded as its bytes arrive: the server
// reads request bodies with it, the delivery client the bodies of answers.
namespace linkhook {

// The size of a chunk from its chunk-size line (without CRLF; extensions after ';' are
// ignored), or none when the line is not one.
std::optional<std::uint64_t> parse_chunk_size(std::string_view line);

// Takes a chunked body in whatever pieces the connection delivers it, and hands back its data.
// Every line (chunk size, the CRLF after a chunk's data, trailer) ends with CRLF and is at most
// k_max_line bytes long, its CR included; at most k_max_trailers trailer lines follow the last
// chunk. Both bounds hold however the input is cut into pieces.
class ChunkedDecoder {
public:
  static constexpr std::size_t k_max_line = 4096;
  static constexpr int k_max_trailers = 100;

  enum class State {
    more,      // not at the end yet: next() wants the input that follows
    done,      // the body ended with the blank line after the last chunk (and its trailers)
    malformed, // not a chunked body
    too_large, // a chunk would take the body past `max_body`; its data was not taken
  };

  struct Step {
    std::size_t used = 0;  // bytes of the input taken: framing and data
    std::string_view data; // the body's bytes among them, a view into the input
  };

  explicit ChunkedDecoder(std::uint64_t max_body = std::numeric_limits<std::uint64_t>::max())
      : m_max_body(max_body) {}

  // Decodes from the front of `input`, up to the end of the next run of data, the end of the
  // body or the end of the input, whichever comes first: call it again with what it did not use
  // while state() is `more`. A line split between inputs is kept until its end arrives.
  Step next(std::string_view input);

  State state() const;

  // Inside a chunk's data: an input that ends here is cut short, rather than malformed.
  bool in_data() const { return m_part == Part::data; }

private:
  enum class Part { size_line, data, data_end, trailer, done, malformed, too_large };

  void end_line(std::string_view line);

  Part m_part = Part::size_line;
  std::string m_line;       // the line being read, as far as it came
  std::uint64_t m_left = 0; // bytes of the chunk's data still to come
  std::uint64_t m_body = 0; // bytes of the body announced so far
  std::uint64_t m_max_body;
  int m_trailers = 0;
};

} // namespace linkhook
