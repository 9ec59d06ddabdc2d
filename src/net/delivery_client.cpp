#include "net/delivery_client.hpp"

#include "net/client.hpp"
#include "net/transport.hpp"

#include <chrono>

namespace linkhook {

DeliveryClient::DeliveryClient(const ClientConfig& config, const std::atomic<bool>* stop)
    : m_config(config),
      m_tls(config.url.tls() ? std::make_unique<TlsContext>(config.insecure, config.ca_file)
                             : nullptr),
      m_connection(
          std::make_unique<HttpConnection>(config.url, config.timeout_s, stop, m_tls.get())) {}

DeliveryClient::~DeliveryClient() = default;

DeliveryOutcome DeliveryClient::post(const Headers& headers, std::string_view body) {
  const auto start = std::chrono::steady_clock::now();
  DeliveryOutcome outcome;
  if (headers.contains("content-type") && headers.contains("user-agent")) {
    outcome = m_connection->post(headers, body);
  } else {
    auto completed = headers;
    if (!headers.contains("content-type")) {
      completed.add("Content-Type", "application/json");
    }
    if (!headers.contains("user-agent")) {
      completed.add("User-Agent", m_config.user_agent);
    }
    outcome = m_connection->post(completed, body);
  }
  outcome.ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return outcome;
}

} // namespace linkhook
