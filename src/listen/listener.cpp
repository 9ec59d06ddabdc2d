#include "listen/listener.hpp"

#include "base/error.hpp"
#include "net/connections.hpp"
#include "net/server.hpp"
#include "net/transport.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <fmt/format.h>
#include <httplib.h>
#include <limits>
#include <optional>
#include <poll.h>
#include <sys/eventfd.h>
#include <thread>
#include <unistd.h>

namespace linkhook {

struct Listener::State {
  ListenerConfig config;
  DeliveryHandler handler;
  std::optional<TlsContext> tls; // with --tls-cert and --tls-key
  std::unique_ptr<KeepAliveServer> server;
  int port = 0;
  int listening_socket = -1; // cpp-httplib's, for the backlog
  int event_fd = -1;         // readable once --max-events deliveries were answered

  State(ListenerConfig c, PayloadFilter filter, const FailureOptions& failures, ListenerHooks hooks)
      : config(std::move(c)),
        handler(config, std::move(filter), failures, std::move(hooks), [this] {
          const std::uint64_t one = 1;
          [[maybe_unused]] const auto written = ::write(event_fd, &one, sizeof one);
        }) {}
};

Listener::Listener(ListenerConfig config, PayloadFilter filter, FailureOptions failures,
                   ListenerHooks hooks)
    : m_state(std::make_unique<State>(std::move(config), std::move(filter), failures,
                                      std::move(hooks))) {
  auto& s = *m_state;
  if (s.config.tls_cert || s.config.tls_key) {
    if (!s.config.tls_cert || !s.config.tls_key) {
      throw Error("--tls-cert and --tls-key go together");
    }
    s.tls = TlsContext::server(*s.config.tls_cert, *s.config.tls_key);
  }
  s.server = std::make_unique<KeepAliveServer>(
      [state = m_state.get()](const HttpRequest& request, HttpAnswer& answer) {
        state->handler.handle(request, answer);
      },
      s.tls ? &*s.tls : nullptr);
  auto& server = *s.server;
  server.new_task_queue = [ready = s.config.threads, max = s.config.max_connections] {
    return new ConnectionWorkers(ready, max);
  };
  server.set_keep_alive_max_count(std::numeric_limits<std::size_t>::max());
  server.set_keep_alive_timeout(s.config.io_timeout_s);
  server.set_read_timeout(s.config.io_timeout_s, 0);
  server.set_write_timeout(s.config.io_timeout_s, 0);
  server.set_payload_max_length(s.config.max_body);
  server.set_tcp_nodelay(true);
  // cpp-httplib also sets SO_REUSEPORT, which lets a second listener share a port in use and
  // silently take half the deliveries. Reusing an address in TIME_WAIT is all a restart needs.
  // The socket is kept to raise its backlog once bound (below).
  server.set_socket_options([state = m_state.get()](socket_t sock) {
    const int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    state->listening_socket = sock;
  });
  s.port = s.config.port == 0
               ? server.bind_to_any_port(s.config.host)
               : (server.bind_to_port(s.config.host, s.config.port) ? s.config.port : -1);
  if (s.port <= 0) {
    throw Error(fmt::format("cannot listen on {}:{}: {}", s.config.host, s.config.port,
                            std::strerror(errno)));
  }
  // cpp-httplib 0.11 listens with a backlog of 5: a sender opening a few dozen connections at
  // once overflows it, and the connections beyond wait a second for the handshake to be retried.
  // listen() on a listening socket only changes its backlog.
  ::listen(s.listening_socket, SOMAXCONN);
  s.event_fd = eventfd(0, EFD_CLOEXEC);
}

Listener::~Listener() {
  if (m_state->event_fd >= 0) {
    ::close(m_state->event_fd);
  }
}

std::string Listener::url() const {
  const auto& c = m_state->config;
  Url url{c.tls_cert ? "https" : "http", c.host, m_state->port, c.path};
  return url.str();
}

StopReason Listener::run(const RunLimits& limits, SignalWatch& signals) {
  auto& s = *m_state;
  s.handler.limit_deliveries(limits.max_events.value_or(0));
  std::atomic<bool> finished{false};
  std::thread serving([&s, &finished] {
    s.server->listen_after_bind();
    finished = true;
  });
  const auto deadline = limits.timeout ? std::chrono::steady_clock::now() + *limits.timeout
                                       : std::chrono::steady_clock::time_point::max();
  StopReason reason = StopReason::timeout;
  while (true) {
    pollfd fds[2] = {{signals.fd(), POLLIN, 0}, {s.event_fd, POLLIN, 0}};
    int wait_ms = -1;
    if (limits.timeout) {
      // poll() waits an int of milliseconds, 24 days at most: a longer --timeout takes turns.
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      wait_ms = static_cast<int>(
          std::clamp<std::int64_t>(left.count(), 0, std::numeric_limits<int>::max()));
    }
    const int ready = ::poll(fds, 2, wait_ms);
    if (ready < 0 && errno == EINTR) {
      continue;
    }
    if (ready > 0 && (fds[0].revents & POLLIN) != 0) {
      signals.take();
      reason = StopReason::signal;
      break;
    }
    if (ready > 0 && (fds[1].revents & POLLIN) != 0) {
      reason = StopReason::max_events;
      break;
    }
    if (ready == 0 && std::chrono::steady_clock::now() >= deadline) {
      break; // the timeout
    }
  }
  // stop() does nothing to a server that has not started its accept loop yet: a stop that came
  // that early would leave the loop running forever. Wait (microseconds) until it runs.
  while (!s.server->is_running() && !finished) {
    std::this_thread::yield();
  }
  s.server->stop_connections();
  s.server->stop();
  serving.join();
  return reason;
}

ListenerStats Listener::stats() const {
  return m_state->handler.stats();
}

void Listener::answer(const HttpRequest& request, HttpAnswer& answer) {
  m_state->handler.handle(request, answer);
}

} // namespace linkhook
