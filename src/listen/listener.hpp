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
  std::size_t threads = 32;           // workers kept ready; each serves one connection at a time
  std::size_t max_connections = 4096; // connections served at once, by as many threads
  int io_timeout_s = 5;               // read/write/keep-alive idle timeout per connection
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

// The HTTP(S) endpoint of `linkhook listen`: cpp-httplib's accept loop and task queue, with a
// connection loop of its own (KeepAliveServer) for plain HTTP and TLS alike.
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
