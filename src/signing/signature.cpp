#include "signing/signature.hpp"

#include "base/error.hpp"
#include "base/text.hpp"
#include "signing/crypto.hpp"
#include "signing/diagnosis.hpp"
#include "signing/signature_headers.hpp"

#include <fmt/format.h>
#include <variant>

namespace linkhook {

using detail::failure;
using detail::SignedRequest;

namespace {

// Svix, the origin of Standard Webhooks, sends the same headers under svix- names.
const std::string* find_standard_header(const Headers& headers, std::string_view name) {
  if (const auto* value = headers.find(name)) {
    return value;
  }
  return headers.find("svix-" + std::string(name.substr(name.find('-') + 1)));
}

std::string signed_prefix(Scheme scheme, const Message& message) {
  switch (scheme) {
  case Scheme::standard:
    return fmt::format("{}.{}.", message.id, message.timestamp);
  case Scheme::stripe:
    return fmt::format("{}.", message.timestamp);
  case Scheme::github:
    return {};
  }
  return {};
}

using ReadResult = std::variant<SignedRequest, VerifyResult>;

ReadResult read_standard(const Headers& headers) {
  const auto* signature = find_standard_header(headers, k_webhook_signature);
  if (signature == nullptr) {
    return detail::missing_signature(Scheme::standard, headers);
  }
  const auto* id = find_standard_header(headers, k_webhook_id);
  const auto* timestamp_text = find_standard_header(headers, k_webhook_timestamp);
  for (const auto& [value, name] :
       {std::pair{id, k_webhook_id}, {timestamp_text, k_webhook_timestamp}}) {
    if (value == nullptr) {
      return failure(VerifyFailure::missing_header, fmt::format("missing header {}", name));
    }
  }
  const auto timestamp = parse_unix_seconds(*timestamp_text);
  if (!timestamp) {
    return failure(VerifyFailure::malformed_header,
                   fmt::format("malformed {} header: '{}' is not Unix seconds", k_webhook_timestamp,
                               shorten(*timestamp_text)));
  }
  auto parsed = parse_standard_signatures(*signature);
  if (!parsed.error.empty()) {
    return detail::malformed_signature(Scheme::standard, *signature, parsed.error);
  }
  return SignedRequest{signed_prefix(Scheme::standard, {*id, *timestamp, {}}), timestamp,
                       std::move(parsed.v1), std::move(parsed.v1a)};
}

ReadResult read_signed_request(Scheme scheme, const Headers& headers) {
  if (scheme == Scheme::standard) {
    return read_standard(headers);
  }
  const auto* value = headers.find(signature_header_name(scheme));
  if (value == nullptr) {
    return detail::missing_signature(scheme, headers);
  }
  if (scheme == Scheme::stripe) {
    auto parsed = parse_stripe_signatures(*value);
    if (!parsed.error.empty()) {
      return detail::malformed_signature(scheme, *value, parsed.error);
    }
    return SignedRequest{signed_prefix(scheme, {{}, parsed.timestamp, {}}),
                         parsed.timestamp,
                         std::move(parsed.v1),
                         {}};
  }
  auto parsed = parse_github_signature(*value);
  if (!parsed.error.empty()) {
    return detail::malformed_signature(scheme, *value, parsed.error);
  }
  return SignedRequest{{}, std::nullopt, {std::move(parsed.sha256)}, {}};
}

std::optional<VerifyResult> check_timestamp(UnixSeconds timestamp, UnixSeconds now,
                                            std::int64_t tolerance_s) {
  const auto age = now - timestamp;
  if (age >= -tolerance_s && age <= tolerance_s) {
    return std::nullopt;
  }
  const bool old = age > 0;
  return failure(old ? VerifyFailure::timestamp_too_old : VerifyFailure::timestamp_too_new,
                 fmt::format("timestamp too {}: {} in the {}, beyond the tolerance of {} (signed "
                             "at {})",
                             old ? "old" : "new",
                             count_of(static_cast<std::uint64_t>(old ? age : -age), "second"),
                             old ? "past" : "future",
                             count_of(static_cast<std::uint64_t>(tolerance_s), "second"),
                             format_iso8601(timestamp)));
}

} // namespace

Headers sign(Scheme scheme, const Secret& secret, const Message& message) {
  if (const auto problem = detail::secret_form_problem(scheme, secret, true)) {
    throw Error(*problem);
  }
  const auto prefix = signed_prefix(scheme, message);
  switch (scheme) {
  case Scheme::standard: {
    const auto value =
        secret.form() == SecretForm::whsk
            ? "v1a," + base64_encode(ed25519_sign(secret.key(), prefix + std::string(message.body)))
            : "v1," + base64_encode(hmac_sha256(secret.key(), {prefix, message.body}));
    return {{std::string(k_webhook_id), std::string(message.id)},
            {std::string(k_webhook_timestamp), std::to_string(message.timestamp)},
            {std::string(k_webhook_signature), value}};
  }
  case Scheme::stripe:
    return {{std::string(k_stripe_signature),
             fmt::format("t={},v1={}", message.timestamp,
                         hex_encode(hmac_sha256(secret.text_bytes(), {prefix, message.body})))}};
  case Scheme::github:
    return {{std::string(k_github_signature),
             "sha256=" + hex_encode(hmac_sha256(secret.text_bytes(), {message.body}))}};
  }
  return {};
}

std::string_view failure_name(VerifyFailure failure) {
  switch (failure) {
  case VerifyFailure::none:
    return "none";
  case VerifyFailure::missing_header:
    return "missing_header";
  case VerifyFailure::malformed_header:
    return "malformed_header";
  case VerifyFailure::timestamp_too_old:
    return "timestamp_too_old";
  case VerifyFailure::timestamp_too_new:
    return "timestamp_too_new";
  case VerifyFailure::wrong_secret_form:
    return "wrong_secret_form";
  case VerifyFailure::wrong_scheme:
    return "wrong_scheme";
  case VerifyFailure::body_altered:
    return "body_altered";
  case VerifyFailure::no_match:
    return "no_match";
  }
  return "unknown";
}

VerifyResult verify(Scheme scheme, const Secret& secret, const Headers& headers,
                    std::string_view body, UnixSeconds now, std::int64_t tolerance_s) {
  if (const auto problem = detail::secret_form_problem(scheme, secret, false)) {
    return failure(VerifyFailure::wrong_secret_form, *problem);
  }
  if (const auto repeated = repeated_signature_header(headers)) {
    return failure(VerifyFailure::malformed_header,
                   fmt::format("repeated header {}: each signature header must come once (which "
                               "line was signed would be unclear)",
                               *repeated));
  }
  auto read = read_signed_request(scheme, headers);
  if (auto* result = std::get_if<VerifyResult>(&read)) {
    return std::move(*result);
  }
  const auto& request = std::get<SignedRequest>(read);
  if (request.timestamp) {
    if (auto late = check_timestamp(*request.timestamp, now, tolerance_s)) {
      return std::move(*late);
    }
  }
  if (detail::signature_matches(scheme, secret, request, body)) {
    return {true, VerifyFailure::none, "valid"};
  }
  return detail::explain_mismatch(scheme, secret, request, body);
}

} // namespace linkhook
