#include "keep_alive_server.hpp"

#include "error.hpp"

#include <array>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <fmt/format.h>
#include <netdb.h>
#include <optional>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>
#include <utility>

namespace linkhook {

namespace {

int to_ms(time_t seconds, time_t microseconds) {
  return static_cast<int>(seconds * 1000 + microseconds / 1000);
}

enum class Wait { ready, timeout, stopped };

// poll(2) for `events` on `sock` and, when given, readability of `stop`, for up to `timeout_ms`
// in all (EINTR does not restart the clock). A hang-up or error on the socket counts as ready:
// the read or write that follows reports it.
Wait wait_for(int sock, short events, int stop, int timeout_ms) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    std::array<pollfd, 2> fds{pollfd{sock, events, 0}, pollfd{stop, POLLIN, 0}};
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    const int ready =
        ::poll(fds.data(), stop >= 0 ? 2 : 1, static_cast<int>(std::max<long>(0, left)));
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

// The numeric address and port of a socket's end: getpeername or getsockname.
std::pair<std::string, int> address_of(int sock, bool peer) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  auto* generic = reinterpret_cast<sockaddr*>(&address); // NOLINT: the sockets API's own cast
  if ((peer ? ::getpeername(sock, generic, &length) : ::getsockname(sock, generic, &length)) != 0) {
    return {"", 0};
  }
  std::array<char, NI_MAXHOST> host{};
  std::array<char, NI_MAXSERV> service{};
  if (::getnameinfo(generic, length, host.data(), host.size(), service.data(), service.size(),
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
    return {"", 0};
  }
  int port = 0;
  std::from_chars(service.data(), service.data() + std::strlen(service.data()), port);
  return {host.data(), port};
}

// Closing a socket with unread input resets the connection, and a reset can reach the client
// before it has read the answer just sent. So, once the answer is sent, stop sending and read
// what the client still sends, for at most a second or 1 MiB, until it closes its side too.
void discard_input(int sock) {
  ::shutdown(sock, SHUT_WR);
  std::array<char, 16384> sink{};
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  for (std::size_t total = 0; total < std::size_t{1} << 20;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 ||
        wait_for(sock, POLLIN, -1, static_cast<int>(left.count())) != Wait::ready) {
      return;
    }
    const auto n = ::recv(sock, sink.data(), sink.size(), MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
      return;
    }
    total += n > 0 ? static_cast<std::size_t>(n) : 0;
  }
}

// One connection's stream for Server::process_request: reads through a buffer (cpp-httplib
// reads a request's lines a byte at a time) and gathers an answer's writes for one send.
class ConnectionStream final : public httplib::Stream {
public:
  ConnectionStream(int sock, int read_timeout_ms, int write_timeout_ms)
      : m_sock(sock), m_read_timeout_ms(read_timeout_ms), m_write_timeout_ms(write_timeout_ms) {}

  bool is_readable() const override {
    return m_begin < m_end || wait_for(m_sock, POLLIN, -1, m_read_timeout_ms) == Wait::ready;
  }

  bool is_writable() const override {
    return wait_for(m_sock, POLLOUT, -1, m_write_timeout_ms) == Wait::ready;
  }

  ssize_t read(char* ptr, size_t size) override {
    if (m_begin == m_end) {
      // Whatever was written must go out before waiting for more: "100 Continue", say.
      if (!flush()) {
        return -1;
      }
      const auto got = receive();
      if (got <= 0) {
        return got;
      }
    }
    auto n = std::min(size, m_end - m_begin);
    if (m_in_head) {
      n = pass_head(n);
      if (m_head_too_large) {
        return -1;
      }
    }
    std::memcpy(ptr, m_in.data() + m_begin, n);
    m_begin += n;
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* ptr, size_t size) override {
    if (m_head_too_large) {
      return static_cast<ssize_t>(size); // cpp-httplib's 400; the caller answers 431 instead
    }
    m_out.append(ptr, size);
    if (m_out.size() >= k_flush_at && !flush()) {
      return -1;
    }
    return static_cast<ssize_t>(size);
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    if (!m_remote) {
      m_remote = address_of(m_sock, true);
    }
    std::tie(ip, port) = *m_remote;
  }

  void get_local_ip_and_port(std::string& ip, int& port) const override {
    if (!m_local) {
      m_local = address_of(m_sock, false);
    }
    std::tie(ip, port) = *m_local;
  }

  socket_t socket() const override { return m_sock; }

  // Waits up to `timeout_ms` for the next request on the connection, or until `stop` is
  // readable: true when its first bytes (or the client's close) are here.
  bool wait_for_request(int stop, int timeout_ms) const {
    return m_begin < m_end || wait_for(m_sock, POLLIN, stop, timeout_ms) == Wait::ready;
  }

  // The next read starts a request: its head (request line and headers) may take up to
  // k_max_head bytes. cpp-httplib limits the length of each header line, not their number.
  void begin_request() {
    m_in_head = true;
    m_head_bytes = 0;
    m_head_end_matched = 0;
  }

  // True when the request's head ran over k_max_head: it was not handed on whole, and nothing
  // was answered to it yet.
  bool head_too_large() const { return m_head_too_large; }

  // Answers 431 to such a request, for flush() to send; the connection cannot go on after it.
  void answer_head_too_large() {
    m_head_too_large = false;
    const auto reason =
        fmt::format("request line and headers larger than {} bytes\n", KeepAliveServer::k_max_head);
    m_out += fmt::format("HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Type: "
                         "text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
                         reason.size(), reason);
  }

  // Sends what write() gathered; false when the client is gone or takes longer than the write
  // timeout to take it.
  bool flush() {
    std::size_t sent = 0;
    while (sent < m_out.size()) {
      const auto n =
          ::send(m_sock, m_out.data() + sent, m_out.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) {
        sent += static_cast<std::size_t>(n);
        continue;
      }
      const bool again =
          n < 0 &&
          (errno == EINTR || ((errno == EAGAIN || errno == EWOULDBLOCK) &&
                              wait_for(m_sock, POLLOUT, -1, m_write_timeout_ms) == Wait::ready));
      if (!again) {
        m_out.clear();
        return false;
      }
    }
    m_out.clear();
    return true;
  }

private:
  static constexpr std::size_t k_flush_at = std::size_t{64} * 1024;

  // Of the next `n` buffered bytes, how many to hand on while in the head: up to the end of the
  // head (a blank line), which ends head mode. Past k_max_head bytes it flags the request.
  std::size_t pass_head(std::size_t n) {
    static constexpr std::string_view k_end = "\r\n\r\n";
    std::size_t i = 0;
    while (i < n && m_in_head) {
      const char c = m_in[m_begin + i++];
      if (c == k_end[m_head_end_matched]) {
        ++m_head_end_matched;
      } else {
        m_head_end_matched = c == '\r' ? 1 : 0;
      }
      m_in_head = m_head_end_matched < k_end.size();
    }
    m_head_bytes += i;
    m_head_too_large = m_head_bytes > KeepAliveServer::k_max_head;
    return i;
  }

  // Refills the empty buffer: what has arrived, else waits up to the read timeout for it.
  ssize_t receive() {
    m_begin = m_end = 0;
    while (true) {
      const auto n = ::recv(m_sock, m_in.data(), m_in.size(), MSG_DONTWAIT);
      if (n >= 0) {
        m_end = static_cast<std::size_t>(n);
        return n;
      }
      if (errno == EINTR) {
        continue;
      }
      if ((errno != EAGAIN && errno != EWOULDBLOCK) ||
          wait_for(m_sock, POLLIN, -1, m_read_timeout_ms) != Wait::ready) {
        return -1;
      }
    }
  }

  int m_sock;
  int m_read_timeout_ms;
  int m_write_timeout_ms;
  std::array<char, std::size_t{16} * 1024> m_in{};
  std::size_t m_begin = 0;
  std::size_t m_end = 0;
  std::string m_out;
  bool m_in_head = false;
  bool m_head_too_large = false;
  std::size_t m_head_bytes = 0;
  std::size_t m_head_end_matched = 0; // bytes of "\r\n\r\n" just seen
  mutable std::optional<std::pair<std::string, int>> m_remote;
  mutable std::optional<std::pair<std::string, int>> m_local;
};

} // namespace

KeepAliveServer::KeepAliveServer() : m_stop(::eventfd(0, EFD_CLOEXEC)) {
  if (!m_stop) {
    throw Error(system_message("cannot create an eventfd", errno));
  }
}

void KeepAliveServer::stop_connections() {
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto written = ::write(m_stop.get(), &one, sizeof one);
}

bool KeepAliveServer::process_and_close_socket(socket_t sock) {
  ConnectionStream stream(sock, to_ms(read_timeout_sec_, read_timeout_usec_),
                          to_ms(write_timeout_sec_, write_timeout_usec_));
  const int keep_alive_ms = to_ms(keep_alive_timeout_sec_, 0);
  bool ok = false;
  for (auto left = keep_alive_max_count_; left > 0 && svr_sock_ != INVALID_SOCKET &&
                                          stream.wait_for_request(m_stop.get(), keep_alive_ms);
       --left) {
    bool closed = false;
    stream.begin_request();
    ok = process_request(stream, left == 1, closed, nullptr);
    if (stream.head_too_large()) {
      stream.answer_head_too_large();
      if (stream.flush()) {
        discard_input(sock);
      }
      ok = false;
      break;
    }
    ok = stream.flush() && ok;
    if (!ok || closed) {
      break;
    }
  }
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return ok;
}

} // namespace linkhook
