#include "net/server_loop.hpp"

#include "base/error.hpp"
#include "base/text.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <span>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <utility>

namespace linkhook {

namespace {

using std::chrono::milliseconds;

// After a last answer, what the client still sends is read and dropped for this long, or up to
// this many bytes (see Loop::start_lingering).
constexpr milliseconds k_linger{1000};
constexpr std::size_t k_linger_bytes = std::size_t{1} << 20;
constexpr std::size_t k_read_buffer = std::size_t{64} * 1024;
constexpr int k_accepts_per_wakeup = 64;

// The body of the server's own refusals.
std::string refusal_text(int status) {
  switch (status) {
  case 417:
    return "expectation not supported; only 100-continue is\n";
  case 431:
    return fmt::format("request line and headers larger than {} bytes\n",
                       RequestReader::k_max_head);
  case 501:
    return "transfer coding not supported; only chunked is\n";
  case 505:
    return "HTTP version not supported; use HTTP/1.1\n";
  default:
    return fmt::format("malformed request ({})\n", status);
  }
}

// Appended piece by piece: the hot path of every answer, where fmt's format parsing showed. A
// streamed answer has no Content-Length: its body ends when the connection closes.
void format_answer(std::string& out, const HttpAnswer& answer, bool keep_alive, bool head_only,
                   bool streamed) {
  out += "HTTP/1.1 ";
  append_number(out, static_cast<std::size_t>(answer.status));
  out += ' ';
  out += reason_phrase(answer.status);
  out += "\r\n";
  for (const auto& header : answer.headers) {
    out += header.name;
    out += ": ";
    out += header.value;
    out += "\r\n";
  }
  if (!answer.body.empty() && !answer.headers.contains("Content-Type")) {
    out += "Content-Type: text/plain\r\n";
  }
  if (streamed) {
    out += "Connection: close\r\n\r\n";
    return;
  }
  out += "Content-Length: ";
  append_number(out, answer.body.size());
  out += keep_alive ? "\r\n\r\n" : "\r\nConnection: close\r\n\r\n";
  if (!head_only) {
    out += answer.body;
  }
}

} // namespace

bool AnswerStream::push(std::string_view bytes) {
  const std::lock_guard lock(m_mutex);
  if (m_loop == nullptr || m_ended || m_overflowed) {
    return false;
  }
  if (m_queued.size() + bytes.size() > k_max_queued) {
    m_overflowed = true; // the loop closes the connection when it next looks
    m_loop->wake();
    return false;
  }
  if (m_queued.empty()) {
    m_loop->wake(); // under the lock: detach() waits for it, so the loop is still there
  }
  m_queued += bytes;
  return true;
}

void AnswerStream::end() {
  const std::lock_guard lock(m_mutex);
  if (m_loop != nullptr && !m_ended) {
    m_ended = true;
    m_loop->wake();
  }
}

AnswerStream::Taken AnswerStream::take(std::string& out) {
  const std::lock_guard lock(m_mutex);
  if (m_overflowed) {
    return Taken::abandoned;
  }
  out += m_queued;
  m_queued.clear();
  return m_ended ? Taken::ended : Taken::more;
}

void AnswerStream::detach() {
  const std::lock_guard lock(m_mutex);
  m_loop = nullptr;
}

namespace server_loop {

namespace {
// epoll_event.data for the two descriptors that are not connections.
char k_listening_tag;
char k_wake_tag;
} // namespace

Loop::Loop(ServerState& server)
    : m_server(server), m_epoll(::epoll_create1(EPOLL_CLOEXEC)),
      m_spare(::open("/dev/null", O_RDONLY | O_CLOEXEC)),
      m_buffer(std::make_unique<char[]>(k_read_buffer)) {
  if (!m_epoll) {
    throw Error(system_message("cannot set up an event loop", errno));
  }
  epoll_event wake{EPOLLIN, {.ptr = &k_wake_tag}};
  epoll_event listening{EPOLLIN | EPOLLEXCLUSIVE, {.ptr = &k_listening_tag}};
  if (::epoll_ctl(m_epoll.get(), EPOLL_CTL_ADD, m_answered.fd(), &wake) != 0 ||
      ::epoll_ctl(m_epoll.get(), EPOLL_CTL_ADD, server.listening.get(), &listening) != 0) {
    throw Error(system_message("cannot set up an event loop", errno));
  }
}

Loop::~Loop() {
  for (auto* c = m_first; c != nullptr;) {
    if (c->stream) {
      c->stream->detach();
    }
    delete std::exchange(c, c->next);
  }
  for (auto* c : m_closed) {
    delete c;
  }
}

void Loop::wake() {
  m_answered.wake();
}

void Loop::answered_elsewhere(Connection& connection) {
  m_answered.put(&connection);
}

void Loop::run() {
  std::array<epoll_event, 256> events{};
  while (!m_stopping || m_count > 0) {
    if (!m_stopping && m_server.stopping.load(std::memory_order_relaxed)) {
      begin_stop();
      continue;
    }
    const int ready =
        ::epoll_wait(m_epoll.get(), events.data(), static_cast<int>(events.size()), wait_ms());
    m_now = SteadyClock::now();
    for (const auto& event :
         std::span(events.data(), static_cast<std::size_t>(std::max(ready, 0)))) {
      if (event.data.ptr == &k_listening_tag) {
        accept_connections();
      } else if (event.data.ptr == &k_wake_tag) {
        take_answered();
      } else {
        on_event(*static_cast<Connection*>(event.data.ptr), event.events);
      }
    }
    expire();
    for (auto* c : m_closed) {
      delete c;
    }
    m_closed.clear();
  }
}

int Loop::wait_ms() const {
  const auto now = SteadyClock::now();
  auto soonest = SteadyClock::time_point::max();
  for (const auto* list : {&m_idle, &m_delays, &m_lingers}) {
    if (const auto* timer = list->front(); timer != nullptr) {
      soonest = std::min(soonest, timer->due());
    }
  }
  if (soonest == SteadyClock::time_point::max()) {
    return -1;
  }
  // Rounded up: a loop that woke a little early would only wait again.
  const auto left = std::chrono::ceil<milliseconds>(soonest - now).count();
  return static_cast<int>(std::clamp<long>(left, 0, 60000));
}

void Loop::expire() {
  const auto now = m_now;
  for (auto* list : {&m_idle, &m_lingers, &m_delays}) {
    for (auto* timer = list->front(); timer != nullptr && timer->due() <= now;
         timer = list->front()) {
      auto& c = static_cast<Connection&>(*timer);
      c.disarm();
      if (list == &m_delays) {
        answered(c);
        if (c.phase == Phase::reading) {
          read(c);
        }
      } else {
        close(c);
      }
    }
  }
}

void Loop::accept_connections() {
  for (int i = 0; i < k_accepts_per_wakeup; ++i) {
    FileDescriptor sock(
        ::accept4(m_server.listening.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (!sock) {
      if (errno == EINTR || errno == ECONNABORTED) {
        continue;
      }
      if ((errno == EMFILE || errno == ENFILE) && m_spare) {
        // Out of descriptors: left in the backlog, the connection would wake every loop again
        // and again. Accept it with the spare descriptor and close it.
        m_spare = FileDescriptor();
        FileDescriptor(::accept4(m_server.listening.get(), nullptr, nullptr, SOCK_CLOEXEC));
        m_spare = FileDescriptor(::open("/dev/null", O_RDONLY | O_CLOEXEC));
        continue;
      }
      return; // EAGAIN: none left
    }
    if (m_server.connections.load(std::memory_order_relaxed) >= m_server.options.max_connections &&
        !evict_one()) {
      continue; // closed: every connection is busy
    }
    const int yes = 1;
    ::setsockopt(sock.get(), IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
    auto* c = new Connection(Transport::accepted(std::move(sock), m_server.tls), *this,
                             m_server.options.max_body);
    if (!c->transport) {
      delete c;
      continue;
    }
    epoll_event event{EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, {.ptr = c}};
    if (::epoll_ctl(m_epoll.get(), EPOLL_CTL_ADD, c->fd, &event) != 0) {
      delete c;
      continue;
    }
    c->next = m_first;
    if (m_first != nullptr) {
      m_first->prev = c;
    }
    m_first = c;
    ++m_count;
    m_server.connections.fetch_add(1, std::memory_order_relaxed);
    // Over TLS, the client speaks first: the handshake starts once its hello is readable.
    c->phase = m_server.tls != nullptr ? Phase::handshake : Phase::reading;
    arm_idle(*c);
  }
}

// The connection that has waited longest for a request (or its handshake) among the first few
// that fall due, closed to make room.
bool Loop::evict_one() {
  auto* timer = m_idle.front();
  for (int i = 0; i < 16 && timer != nullptr; ++i) {
    auto& c = static_cast<Connection&>(*timer);
    const auto state = c.reader.state();
    if (c.phase == Phase::handshake ||
        (c.phase == Phase::reading &&
         (state == RequestReader::State::idle || state == RequestReader::State::head))) {
      close(c);
      return true;
    }
    timer = timer->later();
  }
  return false;
}

void Loop::on_event(Connection& c, std::uint32_t events) {
  if (c.phase == Phase::closed) {
    return; // closed by an earlier event of this round
  }
  if ((events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0) {
    c.readable = true;
  }
  if ((events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0) {
    c.hung_up = true; // no further edge comes: what is left must be read now
  }
  switch (c.phase) {
  case Phase::handshake:
    // Not on the first writable edge: OpenSSL takes its buffers once the client's hello is here.
    if (c.readable || (c.handshake_wants_write && (events & EPOLLOUT) != 0)) {
      handshake(c);
    }
    break;
  case Phase::reading:
    read(c);
    break;
  case Phase::writing:
    if ((events & (EPOLLOUT | EPOLLHUP | EPOLLERR)) != 0) {
      flush(c);
      if (c.phase == Phase::reading) {
        read(c);
      }
    }
    break;
  case Phase::streaming:
    if (c.hung_up) {
      close(c); // nobody reads what would still come
    } else if ((events & EPOLLOUT) != 0) {
      flush(c);
    }
    break;
  case Phase::lingering:
    drain(c);
    break;
  default:
    break; // working, delaying: what is readable waits for the answer
  }
}

void Loop::take_answered() {
  m_answered.take(m_answered_now);
  for (auto* c : m_answered_now) {
    answered(*c);
    if (c->phase == Phase::reading) {
      read(*c);
    }
  }
  // A wake-up may also be a stream's: look at each (pump may close one, and so change the list).
  for (std::size_t i = m_streaming.size(); i > 0; --i) {
    if (i <= m_streaming.size()) {
      pump(*m_streaming[i - 1]);
    }
  }
}

void Loop::handshake(Connection& c) {
  const auto io = c.transport.handshake();
  if (io.status == Transport::Status::moved) {
    c.phase = Phase::reading;
    c.readable = true; // the request may have come with the handshake's last flight
    arm_idle(c);
    read(c);
  } else if (io.status == Transport::Status::want_read ||
             io.status == Transport::Status::want_write) {
    c.readable = false;
    c.handshake_wants_write = io.status == Transport::Status::want_write;
  } else {
    close(c);
  }
}

void Loop::read(Connection& c) {
  while (c.phase == Phase::reading) {
    std::string_view input;
    const bool from_pending = !c.pending.empty();
    if (from_pending) {
      input = c.pending;
    } else {
      if (!c.readable && !c.transport.buffered()) {
        return;
      }
      const auto io = c.transport.read(m_buffer.get(), k_read_buffer);
      if (io.status == Transport::Status::want_read || io.status == Transport::Status::want_write) {
        c.readable = false;
        return;
      }
      if (io.status != Transport::Status::moved) {
        c.reader.end_of_input();
        if (io.status == Transport::Status::closed &&
            c.reader.state() == RequestReader::State::refused) {
          serve(c); // a chunked body cut short in its framing: 400, as a malformed one
        } else {
          close(c);
        }
        return;
      }
      // Anything that arrives after a read that emptied the socket is a new edge. But a client
      // that closed or reset its side sends no further edge.
      if (c.transport.emptied(io.bytes, k_read_buffer) && !c.hung_up) {
        c.readable = false;
      }
      input = std::string_view(m_buffer.get(), io.bytes);
    }
    const auto before = c.reader.state();
    const auto used = c.reader.feed(input);
    const auto after = c.reader.state();
    // The head's deadline runs from its first byte; in a body, each read that brings bytes
    // restarts the wait.
    if ((before == RequestReader::State::idle && after != RequestReader::State::idle) ||
        after == RequestReader::State::body) {
      arm_idle(c);
    }
    if (c.reader.take_continue()) {
      c.out += "HTTP/1.1 100 Continue\r\n\r\n"; // sent before waiting for the body
      flush(c);
      if (c.phase != Phase::reading) {
        return; // the client is gone
      }
    }
    if (from_pending) {
      c.pending.erase(0, used);
    } else if (used < input.size()) {
      c.pending.assign(input.substr(used));
    }
    if (after == RequestReader::State::done || after == RequestReader::State::refused) {
      serve(c);
    }
  }
}

void Loop::serve(Connection& c) {
  c.disarm();
  if (c.reader.state() == RequestReader::State::refused) {
    // The rest of the input cannot be trusted to start a request: answer, then close.
    const int status = c.reader.refusal();
    c.answer = {.status = status, .headers = {}, .body = refusal_text(status), .delay_ms = 0};
    c.keep_alive = false;
    c.head_only = false;
    c.linger = true;
    c.pending.clear();
    answered(c);
    return;
  }
  const auto& request = c.reader.request();
  c.keep_alive = c.reader.framing().keep_alive && !request.body_too_large && !m_stopping;
  c.head_only = c.reader.framing().head;
  c.linger = request.body_too_large; // its body was not read
  c.answer.status = 200;
  c.answer.headers.clear();
  c.answer.body.clear();
  c.answer.delay_ms = 0;
  c.phase = Phase::working;
  if (m_server.workers) {
    m_server.workers->add(c);
  } else if (m_server.answer(c)) {
    answered(c);
  }
}

void Loop::answered(Connection& c) {
  if (c.answer.delay_ms > 0 && c.phase != Phase::delaying) {
    c.phase = Phase::delaying;
    m_delays.arm(c, m_now + milliseconds(c.answer.delay_ms));
    return;
  }
  if (c.stream) {
    c.keep_alive = false;
    format_answer(c.out, c.answer, false, c.head_only, true);
    c.phase = Phase::streaming;
    m_streaming.push_back(&c);
    if (c.head_only || m_stopping) {
      c.stream->end();
    }
    pump(c);
    return;
  }
  c.keep_alive = c.keep_alive && !m_stopping;
  format_answer(c.out, c.answer, c.keep_alive, c.head_only, false);
  c.phase = Phase::writing;
  flush(c);
}

void Loop::pump(Connection& c) {
  const auto taken = c.stream->take(c.out);
  if (taken == AnswerStream::Taken::abandoned) {
    close(c);
    return;
  }
  c.streamed_all = taken == AnswerStream::Taken::ended;
  flush(c);
}

void Loop::flush(Connection& c) {
  while (c.sent < c.out.size()) {
    const auto io = c.transport.write(std::string_view(c.out).substr(c.sent));
    if (io.status == Transport::Status::moved) {
      c.sent += io.bytes;
      continue;
    }
    if (io.status == Transport::Status::want_write || io.status == Transport::Status::want_read) {
      arm_idle(c); // a client that takes nothing for the timeout is given up on
      return;
    }
    close(c);
    return;
  }
  c.out.clear();
  c.sent = 0;
  if (c.phase == Phase::streaming) {
    if (c.streamed_all) {
      close(c);
    } else {
      c.disarm(); // all sent: waiting for the stream is no stall
    }
    return;
  }
  if (c.phase != Phase::writing) {
    return; // a "100 Continue" went out
  }
  if (!c.keep_alive) {
    if (c.linger) {
      start_lingering(c);
    } else {
      close(c);
    }
    return;
  }
  c.reader.next();
  c.phase = Phase::reading;
  arm_idle(c);
}

// Closing a socket with unread input resets the connection, and a reset can reach the client
// before it has read the answer just sent. So, once the answer is sent, stop sending and read
// what the client still sends, for at most a second or 1 MiB, until it closes its side too.
void Loop::start_lingering(Connection& c) {
  c.transport.close_notify();
  ::shutdown(c.fd, SHUT_WR);
  c.phase = Phase::lingering;
  c.readable = true;
  c.drained = 0;
  m_lingers.arm(c, m_now + k_linger);
  drain(c);
}

void Loop::drain(Connection& c) {
  // What follows is drained as raw bytes, TLS records or not: none of it is read.
  while (c.readable) {
    const auto n = ::recv(c.fd, m_buffer.get(), k_read_buffer, MSG_DONTWAIT);
    if (n > 0) {
      c.drained += static_cast<std::size_t>(n);
      if (c.drained >= k_linger_bytes) {
        break;
      }
      continue;
    }
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      c.readable = false;
      return;
    }
    break; // the client closed its side, or the connection failed
  }
  close(c);
}

void Loop::close(Connection& c) {
  c.disarm();
  if (c.stream) {
    c.stream->detach();
    std::erase(m_streaming, &c);
  }
  if (c.phase != Phase::lingering) {
    c.transport.close_notify();
  }
  ::shutdown(c.fd, SHUT_RDWR);
  c.phase = Phase::closed;
  (c.prev != nullptr ? c.prev->next : m_first) = c.next;
  if (c.next != nullptr) {
    c.next->prev = c.prev;
  }
  --m_count;
  m_server.connections.fetch_sub(1, std::memory_order_relaxed);
  m_closed.push_back(&c); // its socket closes when it is deleted, after this round of events
}

void Loop::begin_stop() {
  m_stopping = true;
  ::epoll_ctl(m_epoll.get(), EPOLL_CTL_DEL, m_server.listening.get(), nullptr);
  for (auto* c = m_first; c != nullptr;) {
    auto& connection = *std::exchange(c, c->next);
    const bool waiting =
        connection.phase == Phase::handshake ||
        (connection.phase == Phase::reading &&
         connection.reader.state() == RequestReader::State::idle && connection.pending.empty());
    if (waiting || connection.phase == Phase::streaming) {
      close(connection); // a stream ends only when its handler ends it: not worth a wait
    } else {
      connection.keep_alive = false; // the answer being written is its last
    }
  }
  for (auto* c : m_closed) {
    delete c;
  }
  m_closed.clear();
}

} // namespace server_loop

} // namespace linkhook
