#include "listen/listener.hpp"

#include "base/error.hpp"
#include "listen/recent_ids.hpp"
#include "net/connections.hpp"
#include "net/forwarder.hpp"
#include "net/server.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <fmt/format.h>
#include <httplib.h>
#include <limits>
#include <mutex>
#include <poll.h>
#include <sys/eventfd.h>
#include <thread>
#include <unistd.h>

namespace linkhook {

namespace {

using Outcome = ReceivedDelivery::Outcome;

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

bool is_2xx(int status) {
  return status >= 200 && status < 300;
}

// A request cpp-httplib read (over TLS) as the listener's own server reads one: the headers
// without the pseudo-headers cpp-httplib adds (REMOTE_ADDR, ...).
HttpRequest from_httplib(const httplib::Request& in) {
  HttpRequest request{.method = in.method, .path = in.path, .headers = {}, .body = in.body};
  for (const auto& [name, value] : in.headers) {
    if (name != "REMOTE_ADDR" && name != "REMOTE_PORT" && name != "LOCAL_ADDR" &&
        name != "LOCAL_PORT") {
      request.headers.add(name, value);
    }
  }
  return request;
}

void to_httplib(const HttpAnswer& answer, httplib::Response& response) {
  response.status = answer.status;
  for (const auto& header : answer.headers) {
    response.set_header(header.name, header.value);
  }
  response.set_content(answer.body, "text/plain");
}

// The sender's id for a delivery, the key of duplicate detection.
std::string delivery_id(const Headers& headers) {
  for (const char* name : {"webhook-id", "svix-id", "x-github-delivery"}) {
    if (const auto* value = headers.find(name)) {
      return *value;
    }
  }
  return {};
}

std::string too_large(std::size_t max_body) {
  return fmt::format("body larger than --max-body ({} bytes)", max_body);
}

} // namespace

struct Listener::State {
  ListenerConfig config;
  PayloadFilter filter;
  FailurePlan failures;
  ListenerHooks hooks;
  std::unique_ptr<httplib::Server> server;
  KeepAliveServer* plain_server = nullptr; // the server when it serves plain HTTP
  int port = 0;
  int listening_socket = -1; // cpp-httplib's, for the backlog
  int event_fd = -1;
  std::atomic<std::uint64_t> max_events{0}; // 0: no limit

  std::mutex mutex; // guards what follows
  ListenerStats stats;
  // Ids answered 2xx (or being answered). A sender's retries come within hours; 100,000 ids
  // (about 10 MB) cover that at any realistic rate while memory stays flat.
  RecentIds acknowledged{100000};

  State(ListenerConfig c, PayloadFilter f, const FailureOptions& o, ListenerHooks h)
      : config(std::move(c)), filter(std::move(f)), failures(o), hooks(std::move(h)) {}

  void handle(const HttpRequest& request, HttpAnswer& answer);
  void handle_verified(const HttpRequest& request, ReceivedDelivery& report, HttpAnswer& answer);
  httplib::Server::HandlerResponse handle_error(const httplib::Request& request,
                                                httplib::Response& response);
  void finish(const ReceivedDelivery& report);
  bool reserve_id(const std::string& id);
  void release_id(const std::string& id);
};

void Listener::State::handle(const HttpRequest& request, HttpAnswer& answer) {
  if (request.path != config.path) {
    answer.status = 404;
    answer.body =
        fmt::format("no webhook endpoint at {}; deliveries go to {}\n", request.path, config.path);
    return;
  }
  if (request.method != "POST") {
    answer.status = 405;
    answer.headers.add("Allow", "POST");
    answer.body = "webhook deliveries are POST requests\n";
    return;
  }
  ReceivedDelivery report;
  report.received_at_ms = now_ms();
  report.id = delivery_id(request.headers);
  if (request.body_too_large || request.body.size() > config.max_body) {
    report.status = 413;
    report.reason = too_large(config.max_body);
    answer.status = report.status;
    answer.body = report.reason + "\n";
    finish(report);
    return;
  }
  if (config.delay_ms > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(config.delay_ms));
  }
  const auto check = hooks.verify(request.headers, request.body);
  const auto scan = scan_payload(request.body);
  report.event = scan.event;
  if (!check.valid) {
    report.status = 401;
    report.reason = check.reason;
  } else if (!scan.json) {
    report.status = 400;
    report.reason = "body is not JSON: " + scan.error;
  } else {
    handle_verified(request, report, answer);
  }
  if (report.outcome == Outcome::rejected && hooks.persist) {
    try {
      hooks.persist(request.headers, request.body, report); // kept for `store show`, best effort
    } catch (const std::exception&) {
    }
  }
  answer.status = report.status;
  answer.body = (check.valid ? report.reason : check.answer) + "\n";
  finish(report);
}

void Listener::State::handle_verified(const HttpRequest& request, ReceivedDelivery& report,
                                      HttpAnswer& answer) {
  nlohmann::json document;
  if (filter.needs_document()) {
    document = nlohmann::json::parse(request.body);
  }
  if (const auto why = filter.rejects(report.event, &document)) {
    report.outcome = Outcome::filtered;
    report.status = 200;
    report.reason = "filtered out: " + *why;
    return;
  }
  const auto failure = failures.next(report.id);
  if (failure.on_purpose && !is_2xx(failure.status)) {
    report.outcome = Outcome::failed_on_purpose;
    report.status = failure.status;
    report.reason = "failing on purpose (" + failure.reason + ")";
    if (failure.retry_after) {
      answer.headers.add("Retry-After", std::to_string(*failure.retry_after));
    }
    return;
  }
  if (!report.id.empty() && !reserve_id(report.id)) {
    report.outcome = Outcome::duplicate;
    report.status = 200;
    report.reason = "duplicate of an acknowledged delivery";
    return;
  }
  report.outcome = Outcome::accepted;
  report.status = failure.on_purpose ? failure.status : 200;
  report.reason = "verified";
  if (config.forward_to) {
    const auto relayed =
        forward(*config.forward_to, config.forward_timeout_s, request.headers, request.body);
    if (!relayed.status || !is_2xx(*relayed.status)) {
      report.outcome = Outcome::forward_failed;
      report.status = relayed.status.value_or(502);
      report.reason = relayed.status
                          ? fmt::format("{} answered {}", config.forward_to->str(), *relayed.status)
                          : relayed.error;
      release_id(report.id);
      return;
    }
    report.status = *relayed.status;
    report.reason = fmt::format("verified, forwarded ({})", *relayed.status);
  }
  if (hooks.persist) {
    try {
      hooks.persist(request.headers, request.body, report);
    } catch (const std::exception& e) {
      report.outcome = Outcome::store_failed;
      report.status = 503;
      report.reason = fmt::format("could not store the delivery: {}", e.what());
      release_id(report.id);
    }
  }
}

// cpp-httplib's refusals over TLS: a body over --max-body is answered as the listener's own
// server answers it; anything else is malformed.
httplib::Server::HandlerResponse Listener::State::handle_error(const httplib::Request& request,
                                                               httplib::Response& response) {
  if (!response.body.empty()) {
    return httplib::Server::HandlerResponse::Unhandled; // an answer of ours, reason included
  }
  if (response.status == 413) {
    auto refused = from_httplib(request);
    refused.body_too_large = true;
    HttpAnswer answer;
    handle(refused, answer);
    to_httplib(answer, response);
  } else {
    response.set_content(fmt::format("malformed request ({})\n", response.status), "text/plain");
  }
  return httplib::Server::HandlerResponse::Handled;
}

bool Listener::State::reserve_id(const std::string& id) {
  const std::lock_guard lock(mutex);
  return acknowledged.insert(id);
}

void Listener::State::release_id(const std::string& id) {
  const std::lock_guard lock(mutex);
  acknowledged.erase(id);
}

void Listener::State::finish(const ReceivedDelivery& report) {
  const std::lock_guard lock(mutex);
  auto& s = stats;
  const auto count = [](bool yes) { return yes ? std::uint64_t{1} : std::uint64_t{0}; };
  ++s.deliveries;
  s.verified += count(report.verified());
  s.rejected += count(report.outcome == Outcome::rejected);
  s.duplicates += count(report.outcome == Outcome::duplicate);
  s.filtered += count(report.outcome == Outcome::filtered);
  s.failed_on_purpose += count(report.outcome == Outcome::failed_on_purpose);
  s.forward_failed += count(report.outcome == Outcome::forward_failed);
  s.store_failed += count(report.outcome == Outcome::store_failed);
  s.stored += count(report.outcome == Outcome::accepted && static_cast<bool>(hooks.persist));
  if (hooks.report) {
    hooks.report(report);
  }
  // What the filters let through counts, so that --max-events waits for what was asked for.
  const auto max = max_events.load();
  if (max != 0 && report.outcome != Outcome::filtered && s.deliveries - s.filtered == max) {
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto written = ::write(event_fd, &one, sizeof one);
  }
}

Listener::Listener(ListenerConfig config, PayloadFilter filter, FailureOptions failures,
                   ListenerHooks hooks)
    : m_state(std::make_unique<State>(std::move(config), std::move(filter), failures,
                                      std::move(hooks))) {
  auto& s = *m_state;
  if (s.config.tls_cert || s.config.tls_key) {
    if (!s.config.tls_cert || !s.config.tls_key) {
      throw Error("--tls-cert and --tls-key go together");
    }
    auto tls =
        std::make_unique<httplib::SSLServer>(s.config.tls_cert->c_str(), s.config.tls_key->c_str());
    if (!tls->is_valid()) {
      throw Error(fmt::format("cannot load the TLS certificate {} or key {}", *s.config.tls_cert,
                              *s.config.tls_key));
    }
    const auto handler = [state = m_state.get()](const httplib::Request& request,
                                                 httplib::Response& response) {
      HttpAnswer answer;
      state->handle(from_httplib(request), answer);
      to_httplib(answer, response);
    };
    tls->Post(".*", handler);
    tls->Get(".*", handler);
    tls->Put(".*", handler);
    tls->Patch(".*", handler);
    tls->Delete(".*", handler);
    tls->set_error_handler(httplib::Server::HandlerWithResponse(
        [state = m_state.get()](const httplib::Request& request, httplib::Response& response) {
          return state->handle_error(request, response);
        }));
    s.server = std::move(tls);
  } else {
    auto plain = std::make_unique<KeepAliveServer>(
        [state = m_state.get()](const HttpRequest& request, HttpAnswer& answer) {
          state->handle(request, answer);
        });
    s.plain_server = plain.get();
    s.server = std::move(plain);
  }
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
  s.max_events = limits.max_events.value_or(0);
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
  if (s.plain_server != nullptr) {
    s.plain_server->stop_connections();
  }
  s.server->stop();
  serving.join();
  return reason;
}

ListenerStats Listener::stats() const {
  const std::lock_guard lock(m_state->mutex);
  return m_state->stats;
}

void Listener::answer(const HttpRequest& request, HttpAnswer& answer) {
  m_state->handle(request, answer);
}

} // namespace linkhook
