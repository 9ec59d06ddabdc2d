#include "net/client.hpp"

#include "base/text.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>

namespace linkhook {

namespace {

bool skipped_header(std::string_view name) {
  return header_name_equal(name, "content-length") || header_name_equal(name, "connection") ||
         header_name_equal(name, "transfer-encoding");
}

} // namespace

HttpConnection::HttpConnection(Url url, double timeout_s, const std::atomic<bool>* stop,
                               const TlsContext* tls)
    : m_url(std::move(url)), m_timeout_s(timeout_s), m_stop(stop), m_tls(tls) {
  const auto origin = m_url.origin();
  m_host_line = "Host: " + origin.substr(origin.find("://") + 3) + "\r\n";
}

void HttpConnection::build_request(const Headers& headers, std::string_view body) {
  // Appended piece by piece: every delivery of `send --count` builds one, and fmt's format
  // parsing showed in its profile.
  m_request.clear();
  m_request += "POST ";
  m_request += m_url.target;
  m_request += " HTTP/1.1\r\n";
  if (!headers.contains("host")) {
    m_request += m_host_line;
  }
  for (const auto& header : headers) {
    if (!skipped_header(header.name)) {
      m_request += header.name;
      m_request += ": ";
      m_request += header.value;
      m_request += "\r\n";
    }
  }
  m_request += "Content-Length: ";
  append_number(m_request, body.size());
  m_request += "\r\n\r\n";
  m_request += body;
}

void HttpConnection::start(const Headers& headers, std::string_view body, Clock::time_point now) {
  build_request(headers, body);
  m_deadline =
      now + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(m_timeout_s));
  m_outcome = DeliveryOutcome();
  m_reused = static_cast<bool>(m_transport);
  m_state = m_reused ? State::writing : State::opening;
  m_waiting = Wait::none;
  m_address = 0;
  m_connect_error = 0;
  m_sent = 0;
}

HttpConnection::Wait HttpConnection::advance() {
  // What moves a post on from each state after done, in the order of State.
  static constexpr std::array<std::optional<Wait> (HttpConnection::*)(), 6> k_steps{
      &HttpConnection::open,  &HttpConnection::connected, &HttpConnection::handshake,
      &HttpConnection::write, &HttpConnection::read_head, &HttpConnection::read_body};
  for (;;) {
    if ((m_waiting == Wait::read && !m_can_read) || (m_waiting == Wait::write && !m_can_write)) {
      return m_waiting;
    }
    if (m_state == State::done) {
      return Wait::none;
    }
    if (const auto wait = (this->*k_steps[static_cast<std::size_t>(m_state) - 1])()) {
      return *wait;
    }
  }
}

HttpConnection::Wait HttpConnection::blocked(Wait wait) {
  (wait == Wait::read ? m_can_read : m_can_write) = false;
  m_waiting = wait;
  return wait;
}

std::optional<HttpConnection::Wait> HttpConnection::would_block(Transport::Status status) {
  if (status == Transport::Status::want_read || status == Transport::Status::want_write) {
    return blocked(status == Transport::Status::want_read ? Wait::read : Wait::write);
  }
  return std::nullopt;
}

void HttpConnection::expire() {
  const bool connecting =
      m_state == State::opening || m_state == State::connecting || m_state == State::handshaking;
  fail(DeliveryError::timeout,
       connecting ? fmt::format("cannot connect to {} within {}s", m_url.origin(), m_timeout_s)
                  : fmt::format("no answer within {}s", m_timeout_s));
}

void HttpConnection::interrupt() {
  fail(DeliveryError::interrupted, std::string(k_interrupted_text));
}

void HttpConnection::finish() {
  m_state = State::done;
  m_waiting = Wait::none;
  if (!m_head.keep_alive) {
    m_transport = Transport();
    m_in.clear();
  }
}

void HttpConnection::fail(DeliveryError error, std::string text) {
  if (m_outcome.status != 0) {
    // A head whose body did not end (a timeout, a close) is no answer, whatever status it named:
    // a 200 that never completes must not count as delivered.
    text =
        fmt::format("{} (an HTTP {} answer began, its body did not end)", text, m_outcome.status);
    m_outcome = DeliveryOutcome();
  }
  m_outcome.error = error;
  m_outcome.error_text = std::move(text);
  m_transport = Transport();
  m_in.clear();
  m_state = State::done;
  m_waiting = Wait::none;
}

void HttpConnection::reconnect() {
  m_transport = Transport();
  m_in.clear();
  m_reused = false;
  m_sent = 0;
  m_state = State::opening;
  m_waiting = Wait::none;
}

std::optional<HttpConnection::Wait> HttpConnection::open() {
  if (m_addresses.empty()) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const auto port = std::to_string(m_url.port);
    if (const int rc = ::getaddrinfo(m_url.host.c_str(), port.c_str(), &hints, &found); rc != 0) {
      fail(DeliveryError::refused,
           fmt::format("cannot resolve {}: {}", m_url.host, ::gai_strerror(rc)));
      return std::nullopt;
    }
    for (auto* a = found; a != nullptr; a = a->ai_next) {
      sockaddr_storage address{};
      std::memcpy(&address, a->ai_addr, a->ai_addrlen);
      m_addresses.push_back(address);
      m_address_sizes.push_back(a->ai_addrlen);
    }
    ::freeaddrinfo(found);
  }
  for (; m_address < m_addresses.size(); ++m_address) {
    const auto& to = m_addresses[m_address];
    FileDescriptor fd(::socket(to.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!fd) {
      m_connect_error = errno;
      continue;
    }
    const int one = 1;
    ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    const bool connected = ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&to),
                                     m_address_sizes[m_address]) == 0;
    if (!connected && errno != EINPROGRESS) {
      m_connect_error = errno;
      continue;
    }
    m_transport = Transport(std::move(fd), m_url.tls() ? m_tls : nullptr, m_url.host);
    ++m_opened;
    m_in.clear();
    m_can_read = false;
    m_can_write = connected;
    if (!connected) {
      m_state = State::connecting;
      return blocked(Wait::write);
    }
    m_state = m_transport.tls() ? State::handshaking : State::writing;
    return std::nullopt;
  }
  fail(DeliveryError::refused,
       fmt::format("cannot connect to {} ({})", m_url.origin(), std::strerror(m_connect_error)));
  return std::nullopt;
}

std::optional<HttpConnection::Wait> HttpConnection::connected() {
  int error = 0;
  socklen_t size = sizeof error;
  if (::getsockopt(m_transport.socket(), SOL_SOCKET, SO_ERROR, &error, &size) != 0 || error != 0) {
    m_connect_error = error != 0 ? error : errno;
    m_transport = Transport();
    ++m_address;
    m_state = State::opening;
    m_waiting = Wait::none;
    return std::nullopt;
  }
  m_waiting = Wait::none;
  m_state = m_transport.tls() ? State::handshaking : State::writing;
  return std::nullopt;
}

std::optional<HttpConnection::Wait> HttpConnection::handshake() {
  const auto io = m_transport.handshake();
  if (io.status == Transport::Status::moved) {
    m_waiting = Wait::none;
    m_state = State::writing;
    return std::nullopt;
  }
  if (const auto wait = would_block(io.status)) {
    return wait;
  }
  fail(DeliveryError::tls,
       m_transport.untrusted()
           ? fmt::format("the certificate of {} is not trusted ({}; --ca-file, or --insecure)",
                         m_url.origin(), m_transport.error())
           : fmt::format("TLS handshake with {} failed ({})", m_url.origin(),
                         io.status == Transport::Status::closed ? "the server closed"
                                                                : m_transport.error()));
  return std::nullopt;
}

std::optional<HttpConnection::Wait> HttpConnection::write() {
  while (m_sent < m_request.size()) {
    const auto io = m_transport.write(std::string_view(m_request).substr(m_sent));
    if (io.status == Transport::Status::moved) {
      m_sent += io.bytes;
      m_waiting = Wait::none;
      continue;
    }
    if (const auto wait = would_block(io.status)) {
      return wait;
    }
    const int error = m_transport.system_error();
    if (m_reused && m_sent == 0 && (error == EPIPE || error == ECONNRESET)) {
      reconnect();
      return std::nullopt;
    }
    fail(DeliveryError::other,
         fmt::format("cannot send to {}: {}", m_url.origin(),
                     io.status == Transport::Status::closed ? "closed" : m_transport.error()));
    return std::nullopt;
  }
  m_state = State::reading_head;
  return std::nullopt;
}

bool HttpConnection::read_more() {
  if (!m_can_read && !m_transport.buffered()) {
    blocked(Wait::read);
    return false;
  }
  char buffer[16 * 1024];
  const auto io = m_transport.read(buffer, sizeof buffer);
  if (io.status == Transport::Status::moved) {
    m_in.append(buffer, io.bytes);
    m_waiting = Wait::none;
    // Once the socket is empty, the next bytes come with an event of their own.
    if (m_transport.emptied(io.bytes, sizeof buffer)) {
      m_can_read = false;
    }
    return true;
  }
  if (would_block(io.status)) {
    return false;
  }
  const bool closed = io.status == Transport::Status::closed;
  if (m_state == State::reading_body && m_head.body == ResponseBody::until_close) {
    m_head.keep_alive = false; // the close ends the body
    finish();
    return false;
  }
  if (m_reused && m_state == State::reading_head && m_in.empty() &&
      (closed || m_transport.system_error() == ECONNRESET)) {
    reconnect();
    return false;
  }
  fail(DeliveryError::other, fmt::format("{} closed the connection{}", m_url.origin(),
                                         closed ? "" : fmt::format(" ({})", m_transport.error())));
  return false;
}

std::optional<HttpConnection::Wait> HttpConnection::read_head() {
  for (;;) {
    const auto head_end = m_in.find("\r\n\r\n");
    if (head_end == std::string::npos || head_end + 4 > k_max_answer_head_bytes) {
      if (m_in.size() > k_max_answer_head_bytes) {
        fail(DeliveryError::other,
             fmt::format("the answer's head is over {} KiB", k_max_answer_head_bytes / 1024));
        return std::nullopt;
      }
      if (!read_more()) {
        return waiting();
      }
      continue;
    }
    m_head = ResponseHead();
    if (!parse_response_head(std::string_view(m_in.data(), head_end), m_head)) {
      fail(DeliveryError::other, "the answer is not HTTP/1.x");
      return std::nullopt;
    }
    if (m_head.status >= 100 && m_head.status < 200) { // 100 Continue and the like precede
      m_in.erase(0, head_end + 4);
      continue;
    }
    m_outcome.status = m_head.status;
    m_outcome.location = std::string(m_head.location);
    m_outcome.retry_after = std::string(m_head.retry_after);
    m_in.erase(0, head_end + 4); // the head's views are not read after this
    m_head.location = m_head.retry_after = {};
    m_body_bytes = 0;
    switch (m_head.body) {
    case ResponseBody::none:
      finish();
      return std::nullopt;
    case ResponseBody::bad_length:
      fail(DeliveryError::other, "the answer's Content-Length is malformed");
      return std::nullopt;
    case ResponseBody::chunked:
      m_chunks = ChunkedDecoder();
      break;
    case ResponseBody::length:
      if (m_head.length > k_max_answer_body_bytes) { // no need to wait for it
        keep({}, m_head.length);
        return std::nullopt;
      }
      break;
    case ResponseBody::until_close:
      break;
    }
    m_state = State::reading_body;
    return std::nullopt;
  }
}

std::optional<HttpConnection::Wait> HttpConnection::read_body() {
  switch (m_head.body) {
  case ResponseBody::chunked:
    while (m_chunks.state() == ChunkedDecoder::State::more) {
      if (m_in.empty() && !read_more()) {
        return waiting();
      }
      const auto step = m_chunks.next(m_in);
      if (!keep(step.data)) {
        return std::nullopt;
      }
      m_in.erase(0, step.used);
    }
    if (m_chunks.state() != ChunkedDecoder::State::done) {
      fail(DeliveryError::other, "the answer's chunked body is malformed");
      return std::nullopt;
    }
    break;
  case ResponseBody::until_close:
    for (;;) {
      if (!keep(m_in)) {
        return std::nullopt;
      }
      m_in.clear();
      if (!read_more()) {
        return waiting();
      }
    }
  default: // length
    while (m_head.length > 0) {
      if (m_in.empty() && !read_more()) {
        return waiting();
      }
      const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(m_head.length, m_in.size()));
      keep(std::string_view(m_in).substr(0, n));
      m_in.erase(0, n);
      m_head.length -= n;
    }
    break;
  }
  finish();
  return std::nullopt;
}

bool HttpConnection::keep(std::string_view data, std::uint64_t announced) {
  const auto kept =
      std::min(data.size(), k_response_prefix_bytes -
                                std::min(k_response_prefix_bytes, m_outcome.body_prefix.size()));
  m_outcome.body_prefix.append(data.substr(0, kept));
  m_outcome.body_cut = m_outcome.body_cut || kept < data.size();
  m_body_bytes += data.size();
  if (std::max(m_body_bytes, announced) > k_max_answer_body_bytes) {
    fail(DeliveryError::other,
         fmt::format("the answer's body is over {} MiB", k_max_answer_body_bytes >> 20));
    return false;
  }
  return true;
}

DeliveryOutcome HttpConnection::post(const Headers& headers, std::string_view body) {
  start(headers, body, Clock::now());
  for (auto wait = advance(); wait != Wait::none; wait = advance()) {
    if (m_stop != nullptr && *m_stop) {
      interrupt();
      break;
    }
    const auto left =
        std::chrono::ceil<std::chrono::milliseconds>(m_deadline - Clock::now()).count();
    if (left <= 0) {
      expire();
      break;
    }
    pollfd fd{m_transport.socket(), static_cast<short>(wait == Wait::read ? POLLIN : POLLOUT), 0};
    const int polled = ::poll(&fd, 1, static_cast<int>(std::min(left, k_stop_slice.count())));
    if (polled > 0) {
      const bool broken = (fd.revents & (POLLERR | POLLHUP)) != 0;
      ready(broken || (fd.revents & POLLIN) != 0, broken || (fd.revents & POLLOUT) != 0);
    } else if (polled < 0 && errno != EINTR) {
      fail(DeliveryError::other, fmt::format("cannot poll: {}", std::strerror(errno)));
      break;
    }
  }
  return std::move(m_outcome);
}

} // namespace linkhook
