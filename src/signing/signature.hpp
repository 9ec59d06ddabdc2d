#pragma once

#include "base/timestamp.hpp"
#include "http/headers.hpp"
#include "signing/scheme.hpp"
#include "signing/secret.hpp"

#include <cstdint>
#include <string>
#include <string_view>

// Signing and verifying webhook requests: the one module that `sign`, `verify`, `send`, `listen`
// and `replay` share. The current time is always a parameter, so that tests control the clock.
namespace linkhook {

inline constexpr std::int64_t k_default_tolerance_s = 300;

// What a signature covers. `id` is used by standard only; `timestamp` by standard and stripe.
struct Message {
  std::string_view id;
  UnixSeconds timestamp = 0;
  std::string_view body; // the exact bytes that are sent
};

// The scheme's signature headers for `message`, in a fixed order (webhook-id, webhook-timestamp,
// webhook-signature for standard). A whsec_ secret signs v1, a whsk_ key v1a. Throws Error (usage)
// for a secret the scheme cannot sign with (a raw secret for standard, a whpk_ key anywhere).
Headers sign(Scheme scheme, const Secret& secret, const Message& message);
// The same headers, added to `into` (whose cleared storage they reuse).
void sign(Headers& into, Scheme scheme, const Secret& secret, const Message& message);

// Why a request did not verify; the listener maps these to HTTP statuses.
enum class VerifyFailure {
  none,              // valid
  missing_header,    // a header the scheme needs is absent
  malformed_header,  // present but not in the scheme's form
  timestamp_too_old, // older than now minus the tolerance
  timestamp_too_new, // later than now plus the tolerance
  wrong_secret_form, // e.g. a raw secret where whsec_ was expected, or the reverse
  wrong_scheme,      // the request carries another scheme's signature
  body_altered,      // matches once the body is re-serialised: it was changed after signing
  no_match,          // well-formed and on time, but no signature matches
};

// "missing_header", "timestamp_too_old", ...: the stable name of a failure for JSON and logs.
std::string_view failure_name(VerifyFailure failure);

struct VerifyResult {
  bool valid = false;
  VerifyFailure failure = VerifyFailure::none;
  std::string reason; // one line; "valid" when valid; names the secret only by its fingerprint
};

// Checks the request's signature headers against `body` (the exact bytes received). A timestamp
// more than `tolerance_s` seconds from `now`, in either direction, is rejected.
VerifyResult verify(Scheme scheme, const Secret& secret, const Headers& headers,
                    std::string_view body, UnixSeconds now,
                    std::int64_t tolerance_s = k_default_tolerance_s);

} // namespace linkhook
