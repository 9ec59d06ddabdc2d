#include "net/server.hpp"

#include "base/error.hpp"

#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fmt/format.h>
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

// One connection: reads through a buffer, and gathers an answer's bytes for one send.
class Connection {
public:
  enum class Read { ok, closed, too_large, malformed, failed };

  Connection(int sock, int read_timeout_ms, int write_timeout_ms)
      : m_sock(sock), m_read_timeout_ms(read_timeout_ms), m_write_timeout_ms(write_timeout_ms) {}

  // Waits up to `timeout_ms` for the next request on the connection, or until `stop` is
  // readable: true when its first bytes (or the client's close) are here.
  bool wait_for_request(int stop, int timeout_ms) const {
    return m_begin < m_end || wait_for(m_sock, POLLIN, stop, timeout_ms) == Wait::ready;
  }

  // Reads a request's line and headers into `head`, up to and including the CRLF before the
  // blank line that ends them; empty lines before the request line are skipped. `closed`: the
  // client closed the connection before a request; `malformed`: a line ended without CR.
  Read read_head(std::string& head) {
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
        return head.size() > KeepAliveServer::k_max_head ? Read::too_large : Read::ok;
      }
      m_begin = m_end;
      if (head.size() > KeepAliveServer::k_max_head) {
        return Read::too_large;
      }
    }
  }

  // Reads a line of at most `max` bytes into `line`, without its CRLF.
  Read read_line(std::string& line, std::size_t max) {
    line.clear();
    while (true) {
      if (m_begin == m_end && refill() <= 0) {
        return Read::failed;
      }
      const char* from = m_in.data() + m_begin;
      const auto* lf = static_cast<const char*>(std::memchr(from, '\n', m_end - m_begin));
      const auto take = lf != nullptr ? static_cast<std::size_t>(lf - from) + 1 : m_end - m_begin;
      line.append(from, take);
      m_begin += take;
      if (lf != nullptr) {
        if (line.size() < 2 || line[line.size() - 2] != '\r') {
          return Read::malformed;
        }
        line.resize(line.size() - 2);
        return Read::ok;
      }
      if (line.size() > max) {
        return Read::malformed;
      }
    }
  }

  // Appends the next `n` bytes to `out`.
  bool read_exact(std::string& out, std::size_t n) {
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

  void write(std::string_view data) { m_out.append(data); }

  void write_answer(const HttpAnswer& answer, bool keep_alive, bool head_only) {
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

  // Sends what was written; false when the client is gone or takes longer than the write
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
  // Refills the empty buffer: what has arrived, else waits up to the read timeout for it.
  // Whatever was written goes out first ("100 Continue", say). 0: the client closed.
  ssize_t refill() {
    if (!flush()) {
      return -1;
    }
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
};

// What a request's body came to.
enum class Body { ok, malformed, failed };

// Reads a chunked body into request.body; past `max_body` bytes it stops reading and flags the
// request instead.
Body read_chunked(Connection& connection, HttpRequest& request, std::size_t max_body) {
  static constexpr std::size_t k_max_line = 4096;
  static constexpr int k_max_trailers = 100;
  std::string line;
  while (true) {
    if (connection.read_line(line, k_max_line) != Connection::Read::ok) {
      return Body::malformed;
    }
    const auto size = parse_chunk_size(line);
    if (!size) {
      return Body::malformed;
    }
    if (*size == 0) {
      break;
    }
    if (*size > max_body - request.body.size()) {
      request.body_too_large = true;
      return Body::ok;
    }
    if (!connection.read_exact(request.body, *size)) {
      return Body::failed;
    }
    if (connection.read_line(line, 2) != Connection::Read::ok || !line.empty()) {
      return Body::malformed;
    }
  }
  for (int trailers = 0; trailers <= k_max_trailers; ++trailers) {
    if (connection.read_line(line, k_max_line) != Connection::Read::ok) {
      return Body::malformed;
    }
    if (line.empty()) {
      return Body::ok;
    }
  }
  return Body::malformed;
}

// Reads the body `framing` announces into request.body. A body over `max_body` is not read: the
// request is flagged, for its handler to answer 413, and the connection closed after.
Body read_body(Connection& connection, const RequestFraming& framing, HttpRequest& request,
               std::size_t max_body) {
  request.body.clear();
  request.body_too_large = false;
  if (framing.content_length && *framing.content_length > max_body) {
    request.body_too_large = true;
    return Body::ok; // and no "100 Continue": the client need not send it
  }
  if (framing.expect_continue && (framing.chunked || framing.content_length.value_or(0) > 0)) {
    connection.write("HTTP/1.1 100 Continue\r\n\r\n"); // sent before waiting for the body
  }
  if (framing.chunked) {
    return read_chunked(connection, request, max_body);
  }
  return connection.read_exact(request.body, framing.content_length.value_or(0)) ? Body::ok
                                                                                 : Body::failed;
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

KeepAliveServer::KeepAliveServer(Handler handler)
    : m_handler(std::move(handler)), m_stop(::eventfd(0, EFD_CLOEXEC)) {
  if (!m_stop) {
    throw Error(system_message("cannot create an eventfd", errno));
  }
}

void KeepAliveServer::stop_connections() {
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto written = ::write(m_stop.get(), &one, sizeof one);
}

bool KeepAliveServer::process_and_close_socket(socket_t sock) {
  Connection connection(sock, to_ms(read_timeout_sec_, read_timeout_usec_),
                        to_ms(write_timeout_sec_, write_timeout_usec_));
  const int keep_alive_ms = to_ms(keep_alive_timeout_sec_, 0);
  // Kept from one request to the next, so that their buffers are allocated once.
  std::string head;
  HttpRequest request;
  RequestFraming framing;
  HttpAnswer answer;
  bool ok = true;
  for (auto left = keep_alive_max_count_; left > 0 && svr_sock_ != INVALID_SOCKET &&
                                          connection.wait_for_request(m_stop.get(), keep_alive_ms);
       --left) {
    const auto read = connection.read_head(head);
    if (read == Connection::Read::closed || read == Connection::Read::failed) {
      ok = read == Connection::Read::closed;
      break;
    }
    int refusal = read == Connection::Read::too_large ? 431
                  : read == Connection::Read::malformed
                      ? 400
                      : parse_request_head(head, request, framing);
    const auto body =
        refusal == 0 ? read_body(connection, framing, request, payload_max_length_) : Body::ok;
    if (body == Body::failed) {
      ok = false;
      break;
    }
    refusal = body == Body::malformed ? 400 : refusal;
    if (refusal != 0) {
      // The rest of the input cannot be trusted to start a request: answer, then close.
      connection.write_answer({.status = refusal, .headers = {}, .body = refusal_text(refusal)},
                              false, false);
      if (connection.flush()) {
        discard_input(sock);
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
        discard_input(sock); // the unread body
      }
      break;
    }
  }
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return ok;
}

} // namespace linkhook
