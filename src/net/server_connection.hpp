#pragma once

#include "http/request.hpp"
#include "net/transport.hpp"

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <sys/types.h>

namespace linkhook {

// One connection the server accepted, over TCP or TLS alike (its Transport): reads requests
// through a buffer, and gathers the bytes of an answer to send at once. Each read and write waits
// up to its timeout in poll(2).
class ServerConnection {
public:
  enum class Read { ok, closed, too_large, malformed, failed };
  // What a request's body came to.
  enum class Body { ok, malformed, failed };

  // `transport`'s socket is made non-blocking.
  ServerConnection(Transport transport, int read_timeout_ms, int write_timeout_ms);

  // Completes the TLS handshake (over TCP, nothing to do) within `timeout_ms` in all, or until
  // `stop` is readable: a client that does not complete it in time is given up on.
  bool handshake(int stop, int timeout_ms);

  // Waits up to `timeout_ms` for the next request on the connection, or until `stop` is
  // readable: true when its first bytes (or the client's close) are here.
  bool wait_for_request(int stop, int timeout_ms) const;

  // Reads a request's line and headers into `head`, up to and including the CRLF before the
  // blank line that ends them; empty lines before the request line are skipped. `closed`: the
  // client closed the connection before a request; `too_large`: the head is over `max_head`
  // bytes; `malformed`: a line ended without CR.
  Read read_head(std::string& head, std::size_t max_head);

  // Reads the body `framing` announces into request.body. A body over `max_body` is not read:
  // the request is flagged, for its handler to answer 413, and the connection closed after.
  // `malformed`: a chunked body that is not one, or that ends in its framing.
  Body read_body(const RequestFraming& framing, HttpRequest& request, std::size_t max_body);

  void write_answer(const HttpAnswer& answer, bool keep_alive, bool head_only);

  // Sends what was written; false when the client is gone or takes longer than the write
  // timeout to take it.
  bool flush();

  // Closing a socket with unread input resets the connection, and a reset can reach the client
  // before it has read the answer just sent. So, once the answer is sent, stop sending and read
  // what the client still sends, for at most a second or 1 MiB, until it closes its side too.
  void discard_input();

  // Ends the connection (a TLS close_notify first), its socket closed with the object.
  void close();

private:
  Body read_chunked(HttpRequest& request, std::size_t max_body);
  // Appends the next `n` bytes to `out`.
  bool read_exact(std::string& out, std::size_t n);
  // Refills the empty buffer: what has arrived, else waits up to the read timeout for it.
  // Whatever was written goes out first ("100 Continue", say). 0: the client closed.
  ssize_t refill();

  Transport m_transport;
  int m_sock; // the transport's
  int m_read_timeout_ms;
  int m_write_timeout_ms;
  std::array<char, std::size_t{16} * 1024> m_in{};
  std::size_t m_begin = 0;
  std::size_t m_end = 0;
  std::string m_out;
};

} // namespace linkhook
