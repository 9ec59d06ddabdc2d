#include "listen/listener.hpp"

#include "base/error.hpp"
#include "net/server.hpp"
#include "net/transport.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <fmt/format.h>
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
  std::unique_ptr<HttpServer> server;
  int event_fd = -1; // readable once --max-events deliveries were answered

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
  ServerOptions options;
  options.max_body = s.config.max_body;
  options.io_timeout_ms = s.config.io_timeout_s * 1000;
  options.max_connections = s.config.max_connections;
  // Forwarding blocks: worker threads answer then, so that the event loops never wait.
  // Otherwise the loops answer themselves (a delivery to store is answered after its sync).
  options.workers = s.handler.may_block() ? s.config.threads : 0;
  s.server = std::make_unique<HttpServer>(
      s.config.host, s.config.port,
      [state = m_state.get()](const HttpRequest& request, HttpAnswer& answer,
                              const HttpServer::Later& later) {
        state->handler.handle(request, answer, [&later] { return later(); });
      },
      options, s.tls ? &*s.tls : nullptr);
  s.event_fd = eventfd(0, EFD_CLOEXEC);
}

Listener::~Listener() {
  if (m_state->event_fd >= 0) {
    ::close(m_state->event_fd);
  }
}

std::string Listener::url() const {
  const auto& c = m_state->config;
  Url url{c.tls_cert ? "https" : "http", c.host, m_state->server->port(), c.path};
  return url.str();
}

StopReason Listener::run(const RunLimits& limits, SignalWatch& signals) {
  auto& s = *m_state;
  s.handler.limit_deliveries(limits.max_events.value_or(0));
  std::thread serving([&s] { s.server->run(); });
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
