#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

// How one delivery ended: what the client returns, and what retries and reports are decided from.
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

// How much of a response body an outcome keeps: enough to show why an endpoint refused.
inline constexpr std::size_t k_response_prefix_bytes = 200;

// The most of an answer the client reads: past either, the delivery fails, naming the bound,
// instead of reading on until the timeout (the body past its prefix is read and dropped).
inline constexpr std::size_t k_max_answer_head_bytes = std::size_t{64} * 1024;
inline constexpr std::uint64_t k_max_answer_body_bytes = std::uint64_t{1024} * 1024;

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

// The status ("503"), or the kind of error when there was no answer ("timeout").
std::string status_text(const DeliveryOutcome& outcome);

} // namespace linkhook
