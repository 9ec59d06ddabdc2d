#pragma once

#include "posix_file.hpp"

#include <httplib.h>

namespace linkhook {

// cpp-httplib 0.11's plain-HTTP server with its per-connection loop replaced; request parsing,
// routing and the handlers stay cpp-httplib's (Server::process_request).
//
// cpp-httplib waits for a connection's next request by polling it without a timeout and
// sleeping 1 ms between polls, so a client that sends its next request a moment after reading an
// answer waits up to a millisecond for nothing: under load, most of a request's time. Its stream
// also polls before every read and every write and sends an answer's headers and body apart.
// Here a connection's thread blocks in poll(2) until the next request arrives, its keep-alive
// timeout passes or the server stops; reads what has arrived without polling first; and sends
// each answer with one send(2). Reads and writes keep cpp-httplib's timeouts. A request whose
// line and headers take more than k_max_head bytes is answered 431 and its connection closed:
// cpp-httplib bounds the length of a header line, not the number of lines.
class KeepAliveServer final : public httplib::Server {
public:
  static constexpr std::size_t k_max_head = std::size_t{64} * 1024;

  KeepAliveServer();

  // Wakes every connection that waits for its next request, which then closes; a request
  // being read or answered is finished first. Call it along with stop().
  void stop_connections();

private:
  bool process_and_close_socket(socket_t sock) override;

  FileDescriptor m_stop; // an eventfd, readable once the server stops
};

} // namespace linkhook
