#pragma once

#include "base/signals.hpp"
#include "http/headers.hpp"
#include "http/request.hpp"
#include "http/url.hpp"
#include "listen/failure_plan.hpp"
#include "payload/filter.hpp"

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

// What verifying one delivery's signature said.
struct SignatureCheck {
  bool valid = false;
  std::string reason; // why not, in one line: for the terminal, --json lines and the store
  // The same for the 401 answer: an unauthenticated caller must not learn the secret's
  // fingerprint, with which a guessed secret could be confirmed offline.
  std::string answer;
};

// One request at the webhook path, as the listener answered it.
struct ReceivedDelivery {
  enum class Outcome {
    accepted,          // verified and acknowledged (stored, forwarded)
    duplicate,         // verified, acknowledged, its id was acknowledged before
    filtered,          // verified, acknowledged, but not what --events/--filter ask for
    failed_on_purpose, // verified, answered with the failure the user asked for
    forward_failed,    // verified, the application behind --forward-to failed or is down
    store_failed,      // verified, but could not be made durable: 503
    rejected,          // not verified: bad signature, not JSON, too large
  };
  std::int64_t received_at_ms = 0;
  std::string id;
  std::string event;
  Outcome outcome = Outcome::rejected;
  int status = 0;
  std::string reason;
  bool verified() const { return outcome != Outcome::rejected; }
};

struct ListenerHooks {
  std::function<SignatureCheck(const Headers&, std::string_view body)> verify;
  // Makes a delivery durable before it is acknowledged; throws on failure. Empty: no store.
  std::function<void(const Headers&, std::string_view body, const ReceivedDelivery&)> persist;
  // Called once per delivery, in a lock: reports never interleave.
  std::function<void(const ReceivedDelivery&)> report;
};

struct ListenerStats {
  std::uint64_t deliveries = 0;
  std::uint64_t verified = 0;
  std::uint64_t rejected = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t filtered = 0;
  std::uint64_t failed_on_purpose = 0;
  std::uint64_t forward_failed = 0;
  std::uint64_t store_failed = 0;
  std::uint64_t stored = 0;
};

struct RunLimits {
  std::optional<std::uint64_t> max_events;
  std::optional<std::chrono::milliseconds> timeout;
};

enum class StopReason { max_events, timeout, signal };

// The HTTP(S) endpoint of `linkhook listen`: cpp-httplib's server, with a request loop of its own
// for plain HTTP (KeepAliveServer); over TLS, cpp-httplib's.
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
