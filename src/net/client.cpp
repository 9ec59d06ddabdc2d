#include "net/client.hpp"

#include "http/chunked.hpp"

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

// A head whose body did not end (a timeout, a close) is no answer, whatever status it named: a
// 200 that never completes must not count as delivered.
DeliveryOutcome unfinished_is_no_answer(DeliveryOutcome outcome) {
  if (outcome.error == DeliveryError::none || outcome.status == 0) {
    return outcome;
  }
  DeliveryOutcome unfinished;
  unfinished.error = outcome.error;
  unfinished.error_text = fmt::format("{} (an HTTP {} answer began, its body did not end)",
                                      outcome.error_text, outcome.status);
  return unfinished;
}

} // namespace

HttpConnection::HttpConnection(Url url, double timeout_s, const std::atomic<bool>* stop,
                               const TlsContext* tls)
    : m_url(std::move(url)), m_timeout_s(timeout_s), m_stop(stop), m_tls(tls) {}

bool HttpConnection::wait(DeliveryOutcome& outcome, short events, bool connecting) {
  for (;;) {
    if (m_stop != nullptr && *m_stop) {
      fail(outcome, DeliveryError::interrupted, std::string(k_interrupted_text));
      return false;
    }
    const auto left =
        std::chrono::ceil<std::chrono::milliseconds>(m_deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      fail(outcome, DeliveryError::timeout,
           connecting ? fmt::format("cannot connect to {} within {}s", m_url.origin(), m_timeout_s)
                      : fmt::format("no answer within {}s", m_timeout_s));
      return false;
    }
    pollfd waiting{m_transport.socket(), events, 0};
    const int ready = ::poll(&waiting, 1, static_cast<int>(std::min(left, k_stop_slice).count()));
    if (ready > 0) {
      return true; // ready, or an error that the next call reports
    }
    if (ready < 0 && errno != EINTR) {
      fail(outcome, DeliveryError::other, fmt::format("cannot poll: {}", std::strerror(errno)));
      return false;
    }
  }
}

void HttpConnection::fail(DeliveryOutcome& outcome, DeliveryError error, std::string text) {
  outcome.error = error;
  outcome.error_text = std::move(text);
  m_transport = Transport();
  m_in.clear();
}

void HttpConnection::build_request(const Headers& headers, std::string_view body) {
  m_request.clear();
  fmt::format_to(std::back_inserter(m_request), "POST {} HTTP/1.1\r\n", m_url.target);
  if (!headers.contains("host")) {
    const auto origin = m_url.origin();
    m_request += "Host: ";
    m_request += std::string_view(origin).substr(origin.find("://") + 3);
    m_request += "\r\n";
  }
  for (const auto& header : headers) {
    if (!skipped_header(header.name)) {
      m_request += header.name;
      m_request += ": ";
      m_request += header.value;
      m_request += "\r\n";
    }
  }
  fmt::format_to(std::back_inserter(m_request), "Content-Length: {}\r\n\r\n", body.size());
  m_request += body;
}

bool HttpConnection::open(DeliveryOutcome& outcome) {
  if (m_addresses.empty()) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const auto port = std::to_string(m_url.port);
    if (const int rc = ::getaddrinfo(m_url.host.c_str(), port.c_str(), &hints, &found); rc != 0) {
      fail(outcome, DeliveryError::refused,
           fmt::format("cannot resolve {}: {}", m_url.host, ::gai_strerror(rc)));
      return false;
    }
    for (auto* a = found; a != nullptr; a = a->ai_next) {
      sockaddr_storage address{};
      std::memcpy(&address, a->ai_addr, a->ai_addrlen);
      m_addresses.push_back(address);
      m_address_sizes.push_back(a->ai_addrlen);
    }
    ::freeaddrinfo(found);
  }
  int last_error = 0;
  for (std::size_t i = 0; i < m_addresses.size(); ++i) {
    if (connect(outcome, i, last_error)) {
      m_in.clear();
      return handshake(outcome);
    }
    if (outcome.error != DeliveryError::none) { // stopped, or out of time
      return false;
    }
  }
  fail(outcome, DeliveryError::refused,
       fmt::format("cannot connect to {} ({})", m_url.origin(), std::strerror(last_error)));
  return false;
}

bool HttpConnection::connect(DeliveryOutcome& outcome, std::size_t address, int& error) {
  const auto& to = m_addresses[address];
  FileDescriptor fd(::socket(to.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd) {
    error = errno;
    return false;
  }
  const int one = 1;
  ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  const bool connected =
      ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&to), m_address_sizes[address]) == 0;
  if (!connected && errno != EINPROGRESS) {
    error = errno;
    return false;
  }
  m_transport = Transport(std::move(fd), m_url.tls() ? m_tls : nullptr, m_url.host);
  if (connected) {
    return true;
  }
  if (!wait(outcome, POLLOUT, true)) {
    return false;
  }
  socklen_t size = sizeof error;
  if (::getsockopt(m_transport.socket(), SOL_SOCKET, SO_ERROR, &error, &size) != 0 || error != 0) {
    error = error != 0 ? error : errno;
    m_transport = Transport();
    return false;
  }
  return true;
}

bool HttpConnection::handshake(DeliveryOutcome& outcome) {
  for (;;) {
    const auto io = m_transport.handshake();
    switch (io.status) {
    case Transport::Status::moved:
      return true;
    case Transport::Status::want_read:
    case Transport::Status::want_write:
      if (!wait(outcome, io.status == Transport::Status::want_read ? POLLIN : POLLOUT, true)) {
        return false;
      }
      continue;
    case Transport::Status::closed:
    case Transport::Status::failed:
      break;
    }
    fail(outcome, DeliveryError::tls,
         m_transport.untrusted()
             ? fmt::format("the certificate of {} is not trusted ({}; --ca-file, or --insecure)",
                           m_url.origin(), m_transport.error())
             : fmt::format("TLS handshake with {} failed ({})", m_url.origin(),
                           io.status == Transport::Status::closed ? "the server closed"
                                                                  : m_transport.error()));
    return false;
  }
}

DeliveryOutcome HttpConnection::post(const Headers& headers, std::string_view body) {
  build_request(headers, body);
  m_deadline = std::chrono::steady_clock::now() +
               std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                   std::chrono::duration<double>(m_timeout_s));
  for (int round = 0;; ++round) {
    DeliveryOutcome outcome;
    const bool reused = static_cast<bool>(m_transport);
    if (!reused && !open(outcome)) {
      return outcome;
    }
    // A kept-alive connection the server closed meanwhile: once more on a new one.
    if (exchange(outcome, reused) == Step::done || round > 0) {
      return unfinished_is_no_answer(std::move(outcome));
    }
  }
}

HttpConnection::Step HttpConnection::exchange(DeliveryOutcome& outcome, bool reused) {
  for (std::size_t sent = 0; sent < m_request.size();) {
    const auto io = m_transport.write(std::string_view(m_request).substr(sent));
    switch (io.status) {
    case Transport::Status::moved:
      sent += io.bytes;
      continue;
    case Transport::Status::want_read:
    case Transport::Status::want_write:
      if (!wait(outcome, io.status == Transport::Status::want_read ? POLLIN : POLLOUT, false)) {
        return Step::done;
      }
      continue;
    case Transport::Status::closed:
    case Transport::Status::failed:
      break;
    }
    const int error = m_transport.system_error();
    if (reused && sent == 0 && (error == EPIPE || error == ECONNRESET)) {
      m_transport = Transport();
      return Step::stale;
    }
    fail(outcome, DeliveryError::other,
         fmt::format("cannot send to {}: {}", m_url.origin(),
                     io.status == Transport::Status::closed ? "closed" : m_transport.error()));
    return Step::done;
  }
  bool stale = false;
  for (;;) {
    auto head_end = m_in.find("\r\n\r\n");
    while (head_end == std::string::npos || head_end + 4 > k_max_answer_head_bytes) {
      if (m_in.size() > k_max_answer_head_bytes) {
        fail(outcome, DeliveryError::other,
             fmt::format("the answer's head is over {} KiB", k_max_answer_head_bytes / 1024));
        return Step::done;
      }
      if (!read_more(outcome, reused && m_in.empty(), stale)) {
        return stale ? Step::stale : Step::done;
      }
      head_end = m_in.find("\r\n\r\n");
    }
    ResponseHead response;
    if (!parse_response_head(std::string_view(m_in.data(), head_end), response)) {
      fail(outcome, DeliveryError::other, "the answer is not HTTP/1.x");
      return Step::done;
    }
    if (response.status >= 100 && response.status < 200) { // 100 Continue and the like precede
      m_in.erase(0, head_end + 4);
      continue;
    }
    outcome.status = response.status;
    outcome.location = std::string(response.location);
    outcome.retry_after = std::string(response.retry_after);
    m_in.erase(0, head_end + 4); // the head's views are not read after this
    m_body_bytes = 0;
    if (!read_body(outcome, response.body, response.length)) {
      return Step::done;
    }
    if (!response.keep_alive) {
      m_transport = Transport();
      m_in.clear();
    }
    return Step::done;
  }
}

bool HttpConnection::read_more(DeliveryOutcome& outcome, bool may_be_stale, bool& stale) {
  char buffer[16 * 1024];
  // Each wait ends by the deadline of the whole answer, so that a trickling one cannot stretch it.
  for (short events = POLLIN;;) {
    if (!m_transport.buffered() && !wait(outcome, events, false)) {
      return false;
    }
    const auto io = m_transport.read(buffer, sizeof buffer);
    switch (io.status) {
    case Transport::Status::moved:
      m_in.append(buffer, io.bytes);
      if (std::chrono::steady_clock::now() > m_deadline) {
        fail(outcome, DeliveryError::timeout, fmt::format("no answer within {}s", m_timeout_s));
        return false;
      }
      return true;
    case Transport::Status::want_read:
    case Transport::Status::want_write:
      events = io.status == Transport::Status::want_read ? POLLIN : POLLOUT;
      continue;
    case Transport::Status::closed:
    case Transport::Status::failed:
      break;
    }
    const bool closed = io.status == Transport::Status::closed;
    if (may_be_stale && (closed || m_transport.system_error() == ECONNRESET)) {
      stale = true;
      m_transport = Transport();
      return false;
    }
    fail(outcome, DeliveryError::other,
         fmt::format("{} closed the connection{}", m_url.origin(),
                     closed ? "" : fmt::format(" ({})", m_transport.error())));
    return false;
  }
}

bool HttpConnection::keep(DeliveryOutcome& outcome, std::string_view data,
                          std::uint64_t announced) {
  const auto kept =
      std::min(data.size(), k_response_prefix_bytes -
                                std::min(k_response_prefix_bytes, outcome.body_prefix.size()));
  outcome.body_prefix.append(data.substr(0, kept));
  outcome.body_cut = outcome.body_cut || kept < data.size();
  m_body_bytes += data.size();
  if (std::max(m_body_bytes, announced) > k_max_answer_body_bytes) {
    fail(outcome, DeliveryError::other,
         fmt::format("the answer's body is over {} MiB", k_max_answer_body_bytes >> 20));
    return false;
  }
  return true;
}

bool HttpConnection::read_body(DeliveryOutcome& outcome, ResponseBody body, std::uint64_t length) {
  bool stale = false;
  const auto more = [&] { return read_more(outcome, false, stale); };
  switch (body) {
  case ResponseBody::none:
    return true;
  case ResponseBody::bad_length:
    fail(outcome, DeliveryError::other, "the answer's Content-Length is malformed");
    return false;
  case ResponseBody::chunked: {
    ChunkedDecoder decoder;
    while (decoder.state() == ChunkedDecoder::State::more) {
      if (m_in.empty() && !more()) {
        return false;
      }
      const auto step = decoder.next(m_in);
      if (!keep(outcome, step.data)) {
        return false;
      }
      m_in.erase(0, step.used);
    }
    if (decoder.state() != ChunkedDecoder::State::done) {
      fail(outcome, DeliveryError::other, "the answer's chunked body is malformed");
      return false;
    }
    return true;
  }
  case ResponseBody::until_close:
    do {
      if (!keep(outcome, m_in)) {
        return false;
      }
      m_in.clear();
    } while (more());
    if (outcome.error == DeliveryError::other) { // the close that ends the body
      outcome.error = DeliveryError::none;
      outcome.error_text.clear();
    }
    return outcome.error == DeliveryError::none;
  case ResponseBody::length:
    break;
  }
  if (length > k_max_answer_body_bytes) { // no need to wait for it
    return keep(outcome, {}, length);
  }
  while (length > 0) {
    if (m_in.empty() && !more()) {
      return false;
    }
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(length, m_in.size()));
    keep(outcome, std::string_view(m_in).substr(0, n));
    m_in.erase(0, n);
    length -= n;
  }
  return true;
}

} // namespace linkhook
