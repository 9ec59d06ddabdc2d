#include "net/delivery_client.hpp"

#include "base/error.hpp"
#include "net/client.hpp"

#include <chrono>
#include <condition_variable>
#include <fmt/format.h>
#include <httplib.h>
#include <mutex>
#include <unistd.h>

namespace linkhook {

namespace {

DeliveryError classify(httplib::Error error) {
  switch (error) {
  case httplib::Error::Connection:
    return DeliveryError::refused;
  case httplib::Error::ConnectionTimeout:
    return DeliveryError::timeout;
  case httplib::Error::SSLConnection:
  case httplib::Error::SSLLoadingCerts:
  case httplib::Error::SSLServerVerification:
    return DeliveryError::tls;
  default:
    return DeliveryError::other;
  }
}

std::string describe(DeliveryError kind, httplib::Error error, const ClientConfig& config) {
  switch (kind) {
  case DeliveryError::refused:
    return fmt::format("cannot connect to {}", config.url.origin());
  case DeliveryError::timeout:
    return fmt::format("no answer within {}s", config.timeout_s);
  case DeliveryError::tls:
    return error == httplib::Error::SSLServerVerification
               ? fmt::format("the certificate of {} is not trusted (--ca-file, or --insecure)",
                             config.url.origin())
               : fmt::format("TLS handshake with {} failed", config.url.origin());
  case DeliveryError::interrupted:
    return std::string(k_interrupted_text);
  case DeliveryError::other:
  case DeliveryError::none:
    break;
  }
  return fmt::format("connection to {} failed ({})", config.url.origin(),
                     httplib::to_string(error));
}

} // namespace

DeliveryClient::DeliveryClient(const ClientConfig& config, const std::atomic<bool>* stop)
    : m_config(config), m_stop(stop) {
  if (!config.url.tls()) {
    m_plain = std::make_unique<PlainHttpConnection>(config.url, config.timeout_s, stop);
    return;
  }
  m_client = std::make_unique<httplib::Client>(config.url.origin());
  const auto seconds = static_cast<time_t>(config.timeout_s);
  const auto micros = static_cast<time_t>((config.timeout_s - static_cast<double>(seconds)) * 1e6);
  m_client->set_connection_timeout(seconds, micros);
  m_client->set_read_timeout(seconds, micros);
  m_client->set_write_timeout(seconds, micros);
  m_client->set_keep_alive(true);
  m_client->set_tcp_nodelay(true);      // a small POST waits for nothing (Nagle would hold it)
  m_client->set_follow_location(false); // a 3xx is the endpoint's answer, reported as a failure
  if (config.ca_file) {
    if (::access(config.ca_file->c_str(), R_OK) != 0) {
      throw Error(fmt::format("--ca-file '{}' cannot be read", *config.ca_file));
    }
    m_client->set_ca_cert_path(*config.ca_file);
  }
  // Without --ca-file, httplib trusts the system's store (SSL_CTX_set_default_verify_paths).
  m_client->enable_server_certificate_verification(!config.insecure);
  if (stop != nullptr) {
    m_stopper = std::jthread([this](const std::stop_token& ending) {
      std::mutex mutex;
      std::condition_variable_any tick;
      std::unique_lock lock(mutex);
      while (!tick.wait_for(lock, ending, k_stop_slice, [] { return false; }) &&
             !ending.stop_requested()) {
        if (*m_stop) {
          m_client->stop(); // again each tick: a request may start after one
        }
      }
    });
  }
}

DeliveryClient::~DeliveryClient() = default;

DeliveryOutcome DeliveryClient::post(const Headers& headers, std::string_view body) {
  const auto start = std::chrono::steady_clock::now();
  DeliveryOutcome outcome;
  if (m_plain && headers.contains("content-type") && headers.contains("user-agent")) {
    outcome = m_plain->post(headers, body);
  } else if (m_plain) {
    auto completed = headers;
    if (!headers.contains("content-type")) {
      completed.add("Content-Type", "application/json");
    }
    if (!headers.contains("user-agent")) {
      completed.add("User-Agent", m_config.user_agent);
    }
    outcome = m_plain->post(completed, body);
  } else {
    outcome = post_tls(headers, body);
  }
  outcome.ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return outcome;
}

DeliveryOutcome DeliveryClient::post_tls(const Headers& headers, std::string_view body) {
  httplib::Headers request_headers{{"User-Agent", m_config.user_agent}};
  std::string content_type = "application/json";
  for (const auto& [name, value] : headers) {
    if (header_name_equal(name, "content-type")) {
      content_type = value;
    } else if (header_name_equal(name, "user-agent")) {
      request_headers.find("User-Agent")->second = value;
    } else {
      request_headers.emplace(name, value);
    }
  }
  const auto start = std::chrono::steady_clock::now();
  auto result =
      m_client->Post(m_config.url.target, request_headers, body.data(), body.size(), content_type);
  DeliveryOutcome outcome;
  if (!result) {
    outcome.error =
        m_stop != nullptr && *m_stop ? DeliveryError::interrupted : classify(result.error());
    // httplib reports a read that ran into the timeout as a plain read error.
    const auto ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (outcome.error != DeliveryError::interrupted && result.error() == httplib::Error::Read &&
        ms >= m_config.timeout_s * 1000 * 0.95) {
      outcome.error = DeliveryError::timeout;
    }
    outcome.error_text = describe(outcome.error, result.error(), m_config);
    return outcome;
  }
  outcome.status = result->status;
  outcome.location = result->get_header_value("Location");
  outcome.retry_after = result->get_header_value("Retry-After");
  outcome.body_prefix = result->body.substr(0, k_response_prefix_bytes);
  outcome.body_cut = result->body.size() > k_response_prefix_bytes;
  return outcome;
}

} // namespace linkhook
