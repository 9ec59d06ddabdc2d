#include "net/server.hpp"

#include "base/error.hpp"
#include "net/server_connection.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <fmt/format.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <utility>

namespace linkhook {

namespace {

int to_ms(time_t seconds, time_t microseconds) {
  return static_cast<int>(seconds * 1000 + microseconds / 1000);
}

// The body of the server's own refusals.
std::string refusal_text(int status) {
  switch (status) {
  case 417:
    return "expectation not supported; only 100-continue is\n";
  case 431:
    return fmt::format("request line and headers larger than {} bytes\n",
                       KeepAliveServer::k_max_head);
  case 501:
    return "transfer coding not supported; only chunked is\n";
  case 505:
    return "HTTP version not supported; use HTTP/1.1\n";
  default:
    return fmt::format("malformed request ({})\n", status);
  }
}

} // namespace

KeepAliveServer::KeepAliveServer(Handler handler, const TlsContext* tls)
    : m_handler(std::move(handler)), m_tls(tls), m_stop(::eventfd(0, EFD_CLOEXEC)) {
  if (!m_stop) {
    throw Error(system_message("cannot create an eventfd", errno));
  }
}

void KeepAliveServer::stop_connections() {
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto written = ::write(m_stop.get(), &one, sizeof one);
}

bool KeepAliveServer::process_and_close_socket(socket_t sock) {
  using Clock = std::chrono::steady_clock;
  ServerConnection connection(Transport::accepted(FileDescriptor(sock), m_tls),
                              to_ms(read_timeout_sec_, read_timeout_usec_),
                              to_ms(write_timeout_sec_, write_timeout_usec_));
  const int keep_alive_ms = to_ms(keep_alive_timeout_sec_, 0);
  const auto accepted = Clock::now();
  if (!connection.handshake(m_stop.get(), keep_alive_ms)) {
    connection.close();
    return false;
  }
  // The wait for the first request is what the handshake left of the keep-alive timeout.
  int wait_ms = std::max(
      0, keep_alive_ms - static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                              Clock::now() - accepted)
                                              .count()));
  // Kept from one request to the next, so that their buffers are allocated once.
  std::string head;
  HttpRequest request;
  RequestFraming framing;
  HttpAnswer answer;
  bool ok = true;
  for (auto left = keep_alive_max_count_; left > 0 && svr_sock_ != INVALID_SOCKET &&
                                          connection.wait_for_request(m_stop.get(), wait_ms);
       --left, wait_ms = keep_alive_ms) {
    const auto read = connection.read_head(head, k_max_head);
    if (read == ServerConnection::Read::closed || read == ServerConnection::Read::failed) {
      ok = read == ServerConnection::Read::closed;
      break;
    }
    int refusal = read == ServerConnection::Read::too_large ? 431
                  : read == ServerConnection::Read::malformed
                      ? 400
                      : parse_request_head(head, request, framing);
    const auto body = refusal == 0 ? connection.read_body(framing, request, payload_max_length_)
                                   : ServerConnection::Body::ok;
    if (body == ServerConnection::Body::failed) {
      ok = false;
      break;
    }
    refusal = body == ServerConnection::Body::malformed ? 400 : refusal;
    if (refusal != 0) {
      // The rest of the input cannot be trusted to start a request: answer, then close.
      connection.write_answer({.status = refusal, .headers = {}, .body = refusal_text(refusal)},
                              false, false);
      if (connection.flush()) {
        connection.discard_input();
      }
      break;
    }
    const bool keep_alive = framing.keep_alive && left > 1 && !request.body_too_large;
    answer.status = 200;
    answer.headers = Headers{};
    answer.body.clear();
    try {
      m_handler(request, answer);
    } catch (const std::exception& e) {
      answer = {
          .status = 500, .headers = {}, .body = fmt::format("internal error: {}\n", e.what())};
    }
    connection.write_answer(answer, keep_alive, framing.head);
    if (!connection.flush()) {
      ok = false;
      break;
    }
    if (!keep_alive) {
      if (request.body_too_large) {
        connection.discard_input(); // the unread body
      }
      break;
    }
  }
  connection.close();
  return ok;
}

} // namespace linkhook
