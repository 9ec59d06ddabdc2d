#include "net/client.hpp"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <unistd.h>

namespace linkhook {

namespace {

constexpr std::size_t k_max_head_bytes = std::size_t{64} * 1024;

bool skipped_header(std::string_view name) {
  return header_name_equal(name, "content-length") || header_name_equal(name, "connection") ||
         header_name_equal(name, "transfer-encoding");
}

// The value of header `name` in a response head ("Name: value\r\n" lines), or empty.
std::string_view head_value(std::string_view head, std::string_view name) {
  for (std::size_t start = head.find("\r\n"); start != std::string_view::npos;) {
    start += 2;
    const auto end = head.find("\r\n", start);
    const auto line = head.substr(start, end == std::string_view::npos ? end : end - start);
    const auto colon = line.find(':');
    if (colon != std::string_view::npos && header_name_equal(line.substr(0, colon), name)) {
      auto value = line.substr(colon + 1);
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
        value.remove_prefix(1);
      }
      while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) {
        value.remove_suffix(1);
      }
      return value;
    }
    start = end;
  }
  return {};
}

bool contains_token(std::string_view value, std::string_view token) {
  for (std::size_t i = 0; i + token.size() <= value.size(); ++i) {
    if (header_name_equal(value.substr(i, token.size()), token)) {
      return true;
    }
  }
  return false;
}

timeval to_timeval(double seconds) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(seconds);
  tv.tv_usec = static_cast<suseconds_t>((seconds - static_cast<double>(tv.tv_sec)) * 1e6);
  return tv;
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

PlainHttpConnection::PlainHttpConnection(Url url, double timeout_s, const std::atomic<bool>* stop)
    : m_url(std::move(url)), m_timeout_s(timeout_s), m_stop(stop),
      m_slice_s(std::min(timeout_s, std::chrono::duration<double>(k_stop_slice).count())) {}

bool PlainHttpConnection::may_wait(DeliveryOutcome& outcome) {
  if (m_stop != nullptr && *m_stop) {
    fail(outcome, DeliveryError::interrupted, std::string(k_interrupted_text));
    return false;
  }
  const auto left = std::chrono::duration<double>(m_deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) {
    fail(outcome, DeliveryError::timeout, fmt::format("no answer within {}s", m_timeout_s));
    return false;
  }
  // Set only when it must change by more than 5 ms: most waits make no call here.
  const auto wanted = std::min(left.count(), m_slice_s);
  if (m_receive_s - left.count() > 0.005 || m_receive_s < wanted - 0.005) {
    const auto tv = to_timeval(wanted);
    ::setsockopt(m_fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    m_receive_s = wanted;
  }
  return true;
}

void PlainHttpConnection::fail(DeliveryOutcome& outcome, DeliveryError error, std::string text) {
  outcome.error = error;
  outcome.error_text = std::move(text);
  m_fd = FileDescriptor();
  m_in.clear();
}

void PlainHttpConnection::build_request(const Headers& headers, std::string_view body) {
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

bool PlainHttpConnection::open(DeliveryOutcome& outcome) {
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
    const auto& address = m_addresses[i];
    FileDescriptor fd(::socket(address.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!fd) {
      last_error = errno;
      continue;
    }
    const auto* raw = reinterpret_cast<const sockaddr*>(&address);
    if (::connect(fd.get(), raw, m_address_sizes[i]) != 0) {
      if (errno != EINPROGRESS) {
        last_error = errno;
        continue;
      }
      int ready = 0;
      while (ready == 0) {
        if (m_stop != nullptr && *m_stop) {
          fail(outcome, DeliveryError::interrupted, std::string(k_interrupted_text));
          return false;
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            m_deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
          fail(outcome, DeliveryError::timeout,
               fmt::format("cannot connect to {} within {}s", m_url.origin(), m_timeout_s));
          return false;
        }
        pollfd waiting{fd.get(), POLLOUT, 0};
        ready = ::poll(&waiting, 1, static_cast<int>(std::min(left, k_stop_slice).count()));
      }
      socklen_t size = sizeof last_error;
      if (ready < 0 || ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &last_error, &size) != 0 ||
          last_error) {
        last_error = last_error ? last_error : errno;
        continue;
      }
    }
    // Blocking from here on, each send and recv waiting a slice at most (see may_wait).
    ::fcntl(fd.get(), F_SETFL, ::fcntl(fd.get(), F_GETFL) & ~O_NONBLOCK);
    const int one = 1;
    ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    const auto tv = to_timeval(m_slice_s);
    ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    m_receive_s = m_slice_s;
    m_fd = std::move(fd);
    m_in.clear();
    return true;
  }
  fail(outcome, DeliveryError::refused,
       fmt::format("cannot connect to {} ({})", m_url.origin(), std::strerror(last_error)));
  return false;
}

DeliveryOutcome PlainHttpConnection::post(const Headers& headers, std::string_view body) {
  build_request(headers, body);
  m_deadline = std::chrono::steady_clock::now() +
               std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                   std::chrono::duration<double>(m_timeout_s));
  for (int round = 0;; ++round) {
    DeliveryOutcome outcome;
    const bool reused = static_cast<bool>(m_fd);
    if (!reused && !open(outcome)) {
      return outcome;
    }
    // A kept-alive connection the server closed meanwhile: once more on a new one.
    if (exchange(outcome, reused) == Step::done || round > 0) {
      return unfinished_is_no_answer(std::move(outcome));
    }
  }
}

PlainHttpConnection::Step PlainHttpConnection::exchange(DeliveryOutcome& outcome, bool reused) {
  for (std::size_t sent = 0; sent < m_request.size();) {
    const auto n =
        ::send(m_fd.get(), m_request.data() + sent, m_request.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) { // a slice passed, nothing sent
      if (!may_wait(outcome)) {
        return Step::done;
      }
      continue;
    }
    if (n < 0) {
      const int error = errno;
      if (reused && sent == 0 && (error == EPIPE || error == ECONNRESET)) {
        m_fd = FileDescriptor();
        return Step::stale;
      }
      fail(outcome, DeliveryError::other,
           fmt::format("cannot send to {}: {}", m_url.origin(), std::strerror(error)));
      return Step::done;
    }
    sent += static_cast<std::size_t>(n);
  }
  bool stale = false;
  for (;;) {
    auto head_end = m_in.find("\r\n\r\n");
    while (head_end == std::string::npos) {
      if (m_in.size() > k_max_head_bytes) {
        fail(outcome, DeliveryError::other, "the answer's headers are too large");
        return Step::done;
      }
      if (!read_more(outcome, reused && m_in.empty(), stale)) {
        return stale ? Step::stale : Step::done;
      }
      head_end = m_in.find("\r\n\r\n");
    }
    const std::string_view head(m_in.data(), head_end);
    int status = 0;
    if (!head.starts_with("HTTP/1.") || head.size() < 12 ||
        std::from_chars(head.data() + 9, head.data() + 12, status).ec != std::errc{}) {
      fail(outcome, DeliveryError::other, "the answer is not HTTP/1.x");
      return Step::done;
    }
    if (status >= 100 && status < 200) { // 100 Continue and the like precede the answer
      m_in.erase(0, head_end + 4);
      continue;
    }
    outcome.status = status;
    outcome.location = std::string(head_value(head, "location"));
    outcome.retry_after = std::string(head_value(head, "retry-after"));
    bool keep =
        !contains_token(head_value(head, "connection"), "close") && !head.starts_with("HTTP/1.0");
    if (!read_body(outcome, head_end, keep)) {
      return Step::done;
    }
    if (!keep) {
      m_fd = FileDescriptor();
      m_in.clear();
    }
    return Step::done;
  }
}

bool PlainHttpConnection::read_more(DeliveryOutcome& outcome, bool may_be_stale, bool& stale) {
  char buffer[16 * 1024];
  // Each wait ends by the deadline of the whole answer, so that a trickling one cannot stretch it.
  for (;;) {
    if (!may_wait(outcome)) {
      return false;
    }
    const auto n = ::recv(m_fd.get(), buffer, sizeof buffer, 0);
    if (n > 0) {
      m_in.append(buffer, static_cast<std::size_t>(n));
      if (std::chrono::steady_clock::now() > m_deadline) {
        fail(outcome, DeliveryError::timeout, fmt::format("no answer within {}s", m_timeout_s));
        return false;
      }
      return true;
    }
    if (n < 0 && errno == EINTR) {
      continue;
    }
    const int error = n == 0 ? 0 : errno;
    if (may_be_stale && (n == 0 || error == ECONNRESET)) {
      stale = true;
      m_fd = FileDescriptor();
      return false;
    }
    if (error == EAGAIN || error == EWOULDBLOCK) {
      continue; // a slice passed: may_wait tells whether to wait on
    }
    fail(outcome, DeliveryError::other,
         fmt::format("{} closed the connection{}", m_url.origin(),
                     n == 0 ? "" : fmt::format(" ({})", std::strerror(error))));
    return false;
  }
}

void PlainHttpConnection::take(DeliveryOutcome& outcome, std::size_t bytes) {
  const auto kept = std::min(bytes, k_response_prefix_bytes - std::min(k_response_prefix_bytes,
                                                                       outcome.body_prefix.size()));
  outcome.body_prefix.append(m_in, 0, kept);
  outcome.body_cut = outcome.body_cut || kept < bytes;
  m_in.erase(0, bytes);
}

bool PlainHttpConnection::read_body(DeliveryOutcome& outcome, std::size_t head_end, bool& keep) {
  const std::string head = m_in.substr(0, head_end);
  m_in.erase(0, head_end + 4);
  bool stale = false;
  const auto more = [&] { return read_more(outcome, false, stale); };
  if (outcome.status == 204 || outcome.status == 304) {
    return true;
  }
  if (contains_token(head_value(head, "transfer-encoding"), "chunked")) {
    for (;;) {
      auto line_end = m_in.find("\r\n");
      while (line_end == std::string::npos) {
        if (!more()) {
          return false;
        }
        line_end = m_in.find("\r\n");
      }
      std::size_t size = 0;
      if (std::from_chars(m_in.data(), m_in.data() + line_end, size, 16).ec != std::errc{}) {
        fail(outcome, DeliveryError::other, "the answer's chunked body is malformed");
        return false;
      }
      m_in.erase(0, line_end + 2);
      if (size == 0) { // trailers, then an empty line
        while (m_in.find("\r\n") != 0) {
          const auto end = m_in.find("\r\n");
          if (end == std::string::npos) {
            if (!more()) {
              return false;
            }
            continue;
          }
          m_in.erase(0, end + 2);
        }
        m_in.erase(0, 2);
        return true;
      }
      for (auto left = size; left > 0;) {
        if (m_in.empty() && !more()) {
          return false;
        }
        const auto n = std::min(left, m_in.size());
        take(outcome, n);
        left -= n;
      }
      while (m_in.size() < 2) {
        if (!more()) {
          return false;
        }
      }
      if (!m_in.starts_with("\r\n")) {
        fail(outcome, DeliveryError::other, "the answer's chunked body is malformed");
        return false;
      }
      m_in.erase(0, 2);
    }
  }
  const auto length_text = head_value(head, "content-length");
  if (length_text.empty()) { // the body runs to the end of the connection
    keep = false;
    take(outcome, m_in.size());
    while (read_more(outcome, false, stale)) {
      take(outcome, m_in.size());
    }
    if (outcome.error == DeliveryError::other) { // the close that ends the body
      outcome.error = DeliveryError::none;
      outcome.error_text.clear();
    }
    return outcome.error == DeliveryError::none;
  }
  std::size_t length = 0;
  if (std::from_chars(length_text.data(), length_text.data() + length_text.size(), length).ec !=
      std::errc{}) {
    fail(outcome, DeliveryError::other, "the answer's Content-Length is malformed");
    return false;
  }
  while (length > 0) {
    if (m_in.empty() && !more()) {
      return false;
    }
    const auto n = std::min(length, m_in.size());
    take(outcome, n);
    length -= n;
  }
  return true;
}

} // namespace linkhook
