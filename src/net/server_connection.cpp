#include "net/server_connection.hpp"

#include "http/chunked.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <sys/socket.h>

namespace linkhook {

namespace {

using Clock = std::chrono::steady_clock;

enum class Wait { ready, timeout, stopped };

int milliseconds_left(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return static_cast<int>(std::max<long>(0, left.count()));
}

// poll(2) for `events` on `sock` and, when given, readability of `stop`, for up to `timeout_ms`
// in all (EINTR does not restart the clock). A hang-up or error on the socket counts as ready:
// the read or write that follows reports it.
Wait wait_for(int sock, short events, int stop, int timeout_ms) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    std::array<pollfd, 2> fds{pollfd{sock, events, 0}, pollfd{stop, POLLIN, 0}};
    const int ready = ::poll(fds.data(), stop >= 0 ? 2 : 1, milliseconds_left(deadline));
    if (ready < 0 && errno == EINTR) {
      continue;
    }
    if (ready < 0) {
      return Wait::ready; // let the read or write report it
    }
    if (stop >= 0 && (fds[1].revents & POLLIN) != 0) {
      return Wait::stopped;
    }
    return ready == 0 ? Wait::timeout : Wait::ready;
  }
}

// Waits for what a transport that moved nothing wants; false on its end or failure, or after
// `timeout_ms`.
bool wait_for_transport(int sock, Transport::Status status, int stop, int timeout_ms) {
  if (status != Transport::Status::want_read && status != Transport::Status::want_write) {
    return false;
  }
  const short events = status == Transport::Status::want_read ? POLLIN : POLLOUT;
  return wait_for(sock, events, stop, timeout_ms) == Wait::ready;
}

} // namespace

ServerConnection::ServerConnection(Transport transport, int read_timeout_ms, int write_timeout_ms)
    : m_transport(std::move(transport)), m_sock(m_transport.socket()),
      m_read_timeout_ms(read_timeout_ms), m_write_timeout_ms(write_timeout_ms) {
  ::fcntl(m_sock, F_SETFL, ::fcntl(m_sock, F_GETFL) | O_NONBLOCK);
}

bool ServerConnection::handshake(int stop, int timeout_ms) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  // The client speaks first: OpenSSL allocates its buffers once its hello is here, not for a
  // connection that stays silent.
  if (m_transport.tls() &&
      !wait_for_transport(m_sock, Transport::Status::want_read, stop, timeout_ms)) {
    return false;
  }
  while (true) {
    const auto io = m_transport.handshake();
    if (io.status == Transport::Status::moved) {
      return true;
    }
    // A handshake dripped a byte at a time does not outlast the deadline either.
    const auto left = milliseconds_left(deadline);
    if (left == 0 || !wait_for_transport(m_sock, io.status, stop, left)) {
      return false;
    }
  }
}

bool ServerConnection::wait_for_request(int stop, int timeout_ms) const {
  return m_begin < m_end || m_transport.buffered() ||
         wait_for(m_sock, POLLIN, stop, timeout_ms) == Wait::ready;
}

ServerConnection::Read ServerConnection::read_head(std::string& head, std::size_t max_head) {
  static constexpr std::string_view k_end = "\r\n\r\n";
  head.clear();
  while (true) {
    if (m_begin == m_end) {
      const auto got = refill();
      if (got <= 0) {
        return got == 0 && head.empty() ? Read::closed : Read::failed;
      }
    }
    auto old = head.size();
    head.append(m_in.data() + m_begin, m_end - m_begin);
    std::size_t blank = 0;
    while (head.compare(blank, 2, "\r\n") == 0) {
      blank += 2;
    }
    if (blank > 0) {
      head.erase(0, blank);
      old = old > blank ? old - blank : 0;
    }
    const auto end = head.find(k_end, old >= 3 ? old - 3 : 0);
    const auto checked_to = end == std::string::npos ? head.size() : end + k_end.size();
    for (auto lf = head.find('\n', old); lf < checked_to; lf = head.find('\n', lf + 1)) {
      if (lf == 0 || head[lf - 1] != '\r') {
        m_begin = m_end;
        return Read::malformed;
      }
    }
    if (end != std::string::npos) {
      m_begin = m_end - (head.size() - checked_to);
      head.resize(end + 2);
      return head.size() > max_head ? Read::too_large : Read::ok;
    }
    m_begin = m_end;
    if (head.size() > max_head) {
      return Read::too_large;
    }
  }
}

bool ServerConnection::read_exact(std::string& out, std::size_t n) {
  while (n > 0) {
    if (m_begin == m_end && refill() <= 0) {
      return false;
    }
    const auto take = std::min(n, m_end - m_begin);
    out.append(m_in.data() + m_begin, take);
    m_begin += take;
    n -= take;
  }
  return true;
}

void ServerConnection::write_answer(const HttpAnswer& answer, bool keep_alive, bool head_only) {
  auto out = std::back_inserter(m_out);
  fmt::format_to(out, "HTTP/1.1 {} {}\r\n", answer.status, reason_phrase(answer.status));
  for (const auto& header : answer.headers) {
    fmt::format_to(out, "{}: {}\r\n", header.name, header.value);
  }
  if (!answer.body.empty()) {
    m_out += "Content-Type: text/plain\r\n";
  }
  fmt::format_to(out, "Content-Length: {}\r\n", answer.body.size());
  m_out += keep_alive ? "\r\n" : "Connection: close\r\n\r\n";
  if (!head_only) {
    m_out += answer.body;
  }
}

bool ServerConnection::flush() {
  std::size_t sent = 0;
  while (sent < m_out.size()) {
    const auto io = m_transport.write(std::string_view(m_out).substr(sent));
    if (io.status == Transport::Status::moved) {
      sent += io.bytes;
      continue;
    }
    if (!wait_for_transport(m_sock, io.status, -1, m_write_timeout_ms)) {
      m_out.clear();
      return false;
    }
  }
  m_out.clear();
  return true;
}

ssize_t ServerConnection::refill() {
  if (!flush()) {
    return -1;
  }
  m_begin = m_end = 0;
  while (true) {
    const auto io = m_transport.read(m_in.data(), m_in.size());
    if (io.status == Transport::Status::moved || io.status == Transport::Status::closed) {
      m_end = io.bytes;
      return static_cast<ssize_t>(io.bytes);
    }
    if (!wait_for_transport(m_sock, io.status, -1, m_read_timeout_ms)) {
      return -1;
    }
  }
}

void ServerConnection::discard_input() {
  m_transport.close_notify();
  ::shutdown(m_sock, SHUT_WR);
  // What follows is drained as raw bytes, TLS records or not: none of it is read.
  std::array<char, 16384> sink{};
  const auto deadline = Clock::now() + std::chrono::seconds(1);
  for (std::size_t total = 0; total < std::size_t{1} << 20;) {
    const auto left = milliseconds_left(deadline);
    if (left == 0 || wait_for(m_sock, POLLIN, -1, left) != Wait::ready) {
      return;
    }
    const auto n = ::recv(m_sock, sink.data(), sink.size(), MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
      return;
    }
    total += n > 0 ? static_cast<std::size_t>(n) : 0;
  }
}

void ServerConnection::close() {
  m_transport.close_notify();
  ::shutdown(m_sock, SHUT_RDWR);
}

ServerConnection::Body ServerConnection::read_chunked(HttpRequest& request, std::size_t max_body) {
  ChunkedDecoder decoder(max_body);
  while (decoder.state() == ChunkedDecoder::State::more) {
    if (m_begin == m_end && refill() <= 0) {
      // A body cut short inside a chunk's data is a connection that failed; in its framing, a
      // malformed body (answered 400), as it always was.
      return decoder.in_data() ? Body::failed : Body::malformed;
    }
    const auto step = decoder.next(std::string_view(m_in.data() + m_begin, m_end - m_begin));
    request.body.append(step.data);
    m_begin += step.used;
  }
  switch (decoder.state()) {
  case ChunkedDecoder::State::too_large:
    request.body_too_large = true;
    return Body::ok;
  case ChunkedDecoder::State::done:
    return Body::ok;
  default:
    return Body::malformed;
  }
}

ServerConnection::Body ServerConnection::read_body(const RequestFraming& framing,
                                                   HttpRequest& request, std::size_t max_body) {
  request.body.clear();
  request.body_too_large = false;
  if (framing.content_length && *framing.content_length > max_body) {
    request.body_too_large = true;
    return Body::ok; // and no "100 Continue": the client need not send it
  }
  if (framing.expect_continue && (framing.chunked || framing.content_length.value_or(0) > 0)) {
    m_out.append("HTTP/1.1 100 Continue\r\n\r\n"); // sent before waiting for the body
  }
  if (framing.chunked) {
    return read_chunked(request, max_body);
  }
  return read_exact(request.body, framing.content_length.value_or(0)) ? Body::ok : Body::failed;
}

} // namespace linkhook
