#pragma once

#include "base/signals.hpp"
#include "http/request.hpp"
#include "http/url.hpp"
#include "listen/delivery_handler.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace linkhook {

struct ListenerConfig {
  std::string host = "127.0.0.1";
  int port = 4000; // 0: any free port
  std::string path = "/";
  std::size_t max_body = 1 << 20;
  int delay_ms = 0;
  std::size_t threads = 32;           // answer deliveries that wait on the store or --forward-to
  std::size_t max_connections = 4096; // held at once (see ServerOptions)
  int io_timeout_s = 5; // idle timeout, head deadline, and stall limit of a read or write
  std::optional<std::string> tls_cert;
  std::optional<std::string> tls_key;
  std::optional<Url> forward_to;
  double forward_timeout_s = 10;
};

struct RunLimits {
  std::optional<std::uint64_t> max_events;
  std::optional<std::chrono::milliseconds> timeout;
};

enum class StopReason { max_events, timeout, signal };

// The HTTP(S) endpoint of `linkhook listen`: linkhook's own server (HttpServer, epoll event loops)
// answering with a DeliveryHandler.
class Listener {
public:
  // Binds the socket (so the URL is known); throws Error when it cannot.
  Listener(ListenerConfig config, PayloadFilter filter, FailureOptions failures,
           ListenerHooks hooks);
  ~Listener();

  // "http://127.0.0.1:4000/path", with the port actually bound.
  std::string url() const;

  // Serves until a limit is reached or a signal arrives; returns why it stopped.
  StopReason run(const RunLimits& limits, SignalWatch& signals);

  ListenerStats stats() const;

  // Answers one request as the server does for each it reads, without a connection: lets
  // tests/fuzz drive the per-request logic (verification, payload scan, filters, the store).
  void answer(const HttpRequest& request, HttpAnswer& answer);

private:
  struct State;
  std::unique_ptr<State> m_state;
};

} // namespace linkhook
