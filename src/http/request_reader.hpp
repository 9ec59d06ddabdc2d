#pragma once

#include "http/chunked.hpp"
#include "http/request.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace linkhook {

// Reads HTTP/1.1 requests from the bytes of one connection, in whatever pieces they arrive; it
// does no I/O of its own, so that an event loop can feed it what each read brought. Its bounds
// hold however the input is cut: a head (request line and headers) over k_max_head bytes is
// refused 431 once that many bytes came without its end, and a body over `max_body` is not read
// (the request is flagged body_too_large, for its handler to answer 413, and the connection is to
// close after the answer). Empty lines before a request line are skipped; a line ending in a bare
// LF is refused 400, as is a head parse_request_head refuses (with its status).
class RequestReader {
public:
  static constexpr std::size_t k_max_head = std::size_t{64} * 1024;

  enum class State {
    idle,    // no byte of a request yet
    head,    // reading the request line and headers
    body,    // reading the body
    done,    // a request is complete: request(), framing()
    refused, // refuse it with refusal(), then close: what follows cannot be trusted
  };

  explicit RequestReader(std::size_t max_body) : m_max_body(max_body) {}

  // Takes bytes from the front of `input`, up to the end of the request; returns how many. While
  // the state is idle, head or body, all of `input` was taken.
  std::size_t feed(std::string_view input);

  // The client closed its side: a chunked body cut short in its framing is malformed (400); any
  // other unfinished request is a connection that failed.
  void end_of_input();

  State state() const { return m_state; }
  int refusal() const { return m_refusal; }
  // True once after the head of a request that waits for "100 Continue" before its body.
  bool take_continue();

  const HttpRequest& request() const { return m_request; }
  const RequestFraming& framing() const { return m_framing; }

  // After `done`: ready for the next request. Buffers are kept for it, but not large ones: an
  // idle connection holds a few KiB at most.
  void next();

private:
  std::size_t feed_head(std::string_view input);
  std::size_t feed_body(std::string_view input);
  void start_body();
  void refuse(int status);

  std::size_t m_max_body;
  State m_state = State::idle;
  int m_refusal = 0;
  bool m_continue = false;
  std::string m_head;
  HttpRequest m_request;
  RequestFraming m_framing;
  std::uint64_t m_left = 0; // bytes of a Content-Length body still to come
  ChunkedDecoder m_chunked;
};

} // namespace linkhook
