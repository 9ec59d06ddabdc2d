#pragma once

#include "base/posix_file.hpp"
#include "http/request.hpp"
#include "net/transport.hpp"

#include <functional>
#include <httplib.h>

namespace linkhook {

// cpp-httplib 0.11's server (binding, accepting, its task queue, stopping) serving HTTP/1.1, plain
// or over TLS, with a connection loop and request parser of its own, for the listener's hot path:
// its limits (the head, the body, the timeouts) hold for both protocols alike.
//
// cpp-httplib waits for a connection's next request by polling it without a timeout and
// sleeping 1 ms between polls, reads a request a byte at a time, keeps its headers in a map that
// compares names with tolower() per character, and matches each path against a std::regex: about
// a quarter of the listener's CPU per delivery. Here a connection's thread blocks in poll(2) until
// the next request arrives, its keep-alive timeout passes or the server stops; reads what has
// arrived into a buffer and parses the head from there; and sends each answer with one send(2).
// Reads and writes keep cpp-httplib's timeouts, and bodies its payload limit: a larger body is
// not read, the handler sees body_too_large (to answer 413) and the connection closes after.
// Heads over k_max_head bytes are answered 431, malformed ones 400 (see parse_request_head).
// Over TLS, a connection first completes its handshake within the keep-alive timeout, which
// counts toward its wait for the first request; one that does not is closed.
class KeepAliveServer final : public httplib::Server {
public:
  static constexpr std::size_t k_max_head = std::size_t{64} * 1024;

  // Answers one request; an exception becomes a 500.
  using Handler = std::function<void(const HttpRequest&, HttpAnswer&)>;

  // Serves HTTPS when `tls` (a server's context, outliving this) is set.
  explicit KeepAliveServer(Handler handler, const TlsContext* tls = nullptr);

  // Wakes every connection that waits for its next request, which then closes; a request
  // being read or answered is finished first. Call it along with stop().
  void stop_connections();

private:
  bool process_and_close_socket(socket_t sock) override;

  Handler m_handler;
  const TlsContext* m_tls;
  FileDescriptor m_stop; // an eventfd, readable once the server stops
};

} // namespace linkhook
