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

// Appends what `scheme` signs before the body: "id.timestamp." for standard, "timestamp." for
// stripe, nothing for github.
void append_signed_prefix(std::string& out, Scheme scheme, const Message& message) {
  if (scheme == Scheme::standard) {
    out.append(message.id).append(".");
  }
  if (scheme != Scheme::github) {
    append_number(out, message.timestamp);
    out += '.';
  }
}

std::string signed_prefix(Scheme scheme, const Message& message) {
  std::string prefix;
  append_signed_prefix(prefix, scheme, message);
  return prefix;
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
  Headers headers;
  sign(headers, scheme, secret, message);
  return headers;
}

void sign(Headers& into, Scheme scheme, const Secret& secret, const Message& message) {
  if (const auto problem = detail::secret_form_problem(scheme, secret, true)) {
    throw Error(*problem);
  }
  // Each value is written into the header's own storage (which a caller's cleared Headers
  // reuses): `send --count` signs every delivery. The signed prefix is first written where the
  // signature goes, then replaced by it.
  if (scheme == Scheme::standard) {
    into.add(k_webhook_id, message.id);
    append_number(into.add(k_webhook_timestamp), message.timestamp);
  }
  auto& value =
      into.add(scheme == Scheme::standard ? k_webhook_signature : signature_header_name(scheme));
  append_signed_prefix(value, scheme, message);
  if (scheme == Scheme::standard && secret.form() == SecretForm::whsk) {
    const auto signature = ed25519_sign(secret.key(), value + std::string(message.body));
    base64_append(value.assign("v1a,"), signature);
    return;
  }
  const auto mac = hmac_sha256(detail::hmac_key(scheme, secret), {value, message.body});
  switch (scheme) {
  case Scheme::standard:
    base64_append(value.assign("v1,"), mac);
    break;
  case Scheme::stripe:
    value.assign("t=");
    append_number(value, message.timestamp);
    hex_append(value.append(",v1="), mac);
    break;
  case Scheme::github:
    hex_append(value.assign("sha256="), mac);
    break;
  }
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
