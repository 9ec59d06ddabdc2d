#pragma once

#include "http/headers.hpp"
#include "http/url.hpp"

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

namespace httplib {
class Client;
}

namespace linkhook {
class PlainHttpConnection;
}

// One HTTP client that POSTs deliveries to one endpoint over a kept-alive connection, and tells
// how each one ended. `send` and `replay` run one per worker thread.
namespace linkhook {

// Why a delivery got no HTTP answer.
enum class DeliveryError {
  none,        // an answer came (any status)
  refused,     // the connection could not be made (refused, unreachable, no such host)
  timeout,     // no connection or no answer within the timeout
  tls,         // the TLS handshake or the certificate check failed
  other,       // the connection broke while writing or reading
  interrupted, // a stop (Ctrl-C) ended the wait for the answer
};

// "refused", "timeout", "tls", "other", "interrupted" ("" for none): names for lines, JSON and
// summaries.
std::string_view delivery_error_name(DeliveryError error);

struct ClientConfig {
  Url url;
  double timeout_s = 10;              // to connect, and to send and answer once connected
  bool insecure = false;              // https: accept any certificate
  std::optional<std::string> ca_file; // https: trust this PEM bundle instead of the system store
  std::string user_agent;
};

// How much of a response body an outcome keeps: enough to show why an endpoint refused.
inline constexpr std::size_t k_response_prefix_bytes = 200;

// How often a wait for the network looks at the stop flag: Ctrl-C ends a post within about this.
inline constexpr std::chrono::milliseconds k_stop_slice{200};

inline constexpr std::string_view k_interrupted_text = "interrupted before the answer came";

struct DeliveryOutcome {
  int status = 0; // the HTTP status; 0 when there was no answer
  DeliveryError error = DeliveryError::none;
  std::string error_text;  // why there was no answer, in one line
  std::string location;    // a redirect's Location (redirects are not followed)
  std::string retry_after; // the Retry-After header, as answered (see parse_retry_after)
  std::string body_prefix; // the first bytes of the response body
  bool body_cut = false;   // the body went on beyond body_prefix
  double ms = 0;           // from sending to the answer (or the failure)

  // A 2xx answer that came whole.
  bool ok() const { return error == DeliveryError::none && status >= 200 && status < 300; }
};

class DeliveryClient {
public:
  // Throws Error (usage) for a --ca-file that cannot be read. Once `stop` is set, a post in flight
  // ends within a fraction of a second, interrupted, instead of waiting out the timeout.
  explicit DeliveryClient(const ClientConfig& config, const std::atomic<bool>* stop = nullptr);
  ~DeliveryClient();
  DeliveryClient(const DeliveryClient&) = delete;
  DeliveryClient& operator=(const DeliveryClient&) = delete;

  // POSTs `body` with `headers` (a Content-Type among them replaces application/json).
  DeliveryOutcome post(const Headers& headers, std::string_view body);

private:
  DeliveryOutcome post_tls(const Headers& headers, std::string_view body);

  ClientConfig m_config;
  const std::atomic<bool>* m_stop;
  std::unique_ptr<PlainHttpConnection> m_plain; // http://
  std::unique_ptr<httplib::Client> m_client;    // https://
  // https: httplib waits in its own poll for up to the whole timeout, but its stop() (safe from
  // another thread) shuts the socket down and ends the wait; this thread calls it once `stop` is
  // set. Declared last: it ends before the client goes.
  std::jthread m_stopper;
};

} // namespace linkhook
