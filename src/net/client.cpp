#include "net/client.hpp"

#include "http/chunked.hpp"

#include <cerrno>
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
    if (!read_body(outcome, response.body, response.length)) {
      return Step::done;
    }
    if (!response.keep_alive) {
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

void PlainHttpConnection::keep(DeliveryOutcome& outcome, std::string_view data) {
  const auto kept =
      std::min(data.size(), k_response_prefix_bytes -
                                std::min(k_response_prefix_bytes, outcome.body_prefix.size()));
  outcome.body_prefix.append(data.substr(0, kept));
  outcome.body_cut = outcome.body_cut || kept < data.size();
}

bool PlainHttpConnection::read_body(DeliveryOutcome& outcome, ResponseBody body,
                                    std::uint64_t length) {
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
      keep(outcome, step.data);
      m_in.erase(0, step.used);
    }
    if (decoder.state() != ChunkedDecoder::State::done) {
      fail(outcome, DeliveryError::other, "the answer's chunked body is malformed");
      return false;
    }
    return true;
  }
  case ResponseBody::until_close:
    keep(outcome, m_in);
    m_in.clear();
    while (more()) {
      keep(outcome, m_in);
      m_in.clear();
    }
    if (outcome.error == DeliveryError::other) { // the close that ends the body
      outcome.error = DeliveryError::none;
      outcome.error_text.clear();
    }
    return outcome.error == DeliveryError::none;
  case ResponseBody::length:
    break;
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
