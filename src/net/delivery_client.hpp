#pragma once

#include "http/headers.hpp"
#include "http/url.hpp"
#include "net/delivery_outcome.hpp"

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace linkhook {
class HttpConnection;
class TlsContext;
} // namespace linkhook

// One HTTP client that POSTs deliveries to one endpoint over a kept-alive connection, and tells
// how each one ended. `send` and `replay` run one per worker thread.
namespace linkhook {

struct ClientConfig {
  Url url;
  double timeout_s = 10;              // to connect, and to send and answer once connected
  bool insecure = false;              // https: accept any certificate
  std::optional<std::string> ca_file; // https: trust this PEM bundle instead of the system store
  std::string user_agent;
};

// How often a wait for the network looks at the stop flag: Ctrl-C ends a post within about this.
inline constexpr std::chrono::milliseconds k_stop_slice{200};

inline constexpr std::string_view k_interrupted_text = "interrupted before the answer came";

class DeliveryClient {
public:
  // Throws Error (usage) for a --ca-file that cannot be read or holds no certificate. Once `stop`
  // is set, a post in flight ends within a fraction of a second, interrupted, instead of waiting
  // out the timeout.
  explicit DeliveryClient(const ClientConfig& config, const std::atomic<bool>* stop = nullptr);
  ~DeliveryClient();
  DeliveryClient(const DeliveryClient&) = delete;
  DeliveryClient& operator=(const DeliveryClient&) = delete;

  // POSTs `body` with `headers` (a Content-Type among them replaces application/json).
  DeliveryOutcome post(const Headers& headers, std::string_view body);

private:
  ClientConfig m_config;
  std::unique_ptr<TlsContext> m_tls; // https://: what is trusted
  std::unique_ptr<HttpConnection> m_connection;
};

} // namespace linkhook
