#pragma once

#include "base/encoding.hpp"
#include "base/timestamp.hpp"
#include "http/headers.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Parsers of the signature header values. They read untrusted bytes from the network, so they take
// anything without throwing or crashing (tests/fuzz holds their fuzz target). When a value cannot
// be used, `error` says in one phrase what was wrong and what was expected.
namespace linkhook {

// webhook-signature: space-separated "v1,<base64>" (HMAC-SHA256) and "v1a,<base64>" (Ed25519)
// entries. Unknown versions are skipped, as the specification asks, and so is a bad entry beside a
// good one (one valid signature is enough); `error` is set only when no entry is usable.
struct StandardSignatures {
  std::vector<Bytes> v1;
  std::vector<Bytes> v1a;
  std::string error;
};
StandardSignatures parse_standard_signatures(std::string_view value);

// Stripe-Signature: "t=<unix>,v1=<hex>[,v1=<hex>...]"; other keys (v0=, ...) are ignored.
struct StripeSignatures {
  UnixSeconds timestamp = 0;
  std::vector<Bytes> v1;
  std::string error;
};
StripeSignatures parse_stripe_signatures(std::string_view value);

// X-Hub-Signature-256: "sha256=<64 hex digits>".
struct GithubSignature {
  Bytes sha256;
  std::string error;
};
GithubSignature parse_github_signature(std::string_view value);

// The first signature header that `headers` carry more than once (webhook-id, -timestamp,
// -signature and their svix- names, Stripe-Signature, X-Hub-Signature-256; any case), as the
// repeat spells it; none when each comes once. Two lines of one such header leave open which one
// was signed and which one a receiver reads, so a request with them is refused whatever the
// scheme. (Several signatures belong in one webhook-signature line, separated by spaces.)
std::optional<std::string> repeated_signature_header(const Headers& headers);

// Unix seconds as the headers carry them: decimal digits only, no sign, no more than fit.
std::optional<UnixSeconds> parse_unix_seconds(std::string_view text);

// `text` cut to a length fit for a one-line message (with "…" when cut), control bytes as "?".
std::string shorten(std::string_view text, std::size_t limit = 24);

} // namespace linkhook
