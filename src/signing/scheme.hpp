#pragma once

#include <span>
#include <string_view>

namespace linkhook {

// The signature schemes linkhook signs and verifies (`--scheme`).
enum class Scheme {
  standard, // Standard Webhooks: v1 (HMAC-SHA256, whsec_) and v1a (Ed25519, whsk_/whpk_)
  stripe,   // Stripe-Signature: t=...,v1=...
  github,   // X-Hub-Signature-256: sha256=...
};

inline constexpr std::string_view k_webhook_id = "webhook-id";
inline constexpr std::string_view k_webhook_timestamp = "webhook-timestamp";
inline constexpr std::string_view k_webhook_signature = "webhook-signature";
inline constexpr std::string_view k_stripe_signature = "Stripe-Signature";
inline constexpr std::string_view k_github_signature = "X-Hub-Signature-256";

std::string_view scheme_name(Scheme scheme);

std::span<const Scheme> all_schemes();

// "standard", "stripe" or "github"; throws Error (usage) for anything else, naming the closest.
Scheme parse_scheme(std::string_view name);

// The header that carries the scheme's signature: its presence tells which scheme signed a request.
std::string_view signature_header_name(Scheme scheme);

// Every header the scheme's signer sets (webhook-id, webhook-timestamp, webhook-signature for
// standard): what a sender's -H replaces, with a warning, instead of adding a second one.
std::span<const std::string_view> signed_header_names(Scheme scheme);

} // namespace linkhook
