#pragma once

#include "signing/signature.hpp"

#include <optional>
#include <string>
#include <vector>

// Internal to signature.cpp: what a request's headers say was signed, and the explanations verify()
// gives when they do not check out. Kept apart so that the verify flow reads in one screen.
namespace linkhook::detail {

// A request's signatures, parsed from its headers.
struct SignedRequest {
  std::string prefix; // signed before the body: "id.timestamp." (standard), "t." (stripe), ""
  std::optional<UnixSeconds> timestamp;
  std::vector<Bytes> hmac;    // HMAC-SHA256 signatures
  std::vector<Bytes> ed25519; // Standard Webhooks v1a signatures
};

// The HMAC key of the scheme: the decoded whsec_ bytes for standard, the whole string otherwise.
std::span<const unsigned char> hmac_key(Scheme scheme, const Secret& secret);

bool hmac_matches(const SignedRequest& request, std::span<const unsigned char> key,
                  std::string_view body);

// Whether any signature of `request` is good for `body` under `secret`.
bool signature_matches(Scheme scheme, const Secret& secret, const SignedRequest& request,
                       std::string_view body);

// Why `secret` cannot serve `scheme` at all (for verifying, or for signing when `signing`), if so.
std::optional<std::string> secret_form_problem(Scheme scheme, const Secret& secret, bool signing);

// The failure for a request without the scheme's signature header: another scheme's header when
// one is present, else the missing header.
VerifyResult missing_signature(Scheme scheme, const Headers& headers);

// The failure for a signature header that did not parse: it may be another scheme's value.
VerifyResult malformed_signature(Scheme scheme, std::string_view value, std::string_view error);

// The failure for a well-formed, timely request whose signatures do not match: the body altered on
// the way, or the secret used in a different form, where either can be shown; else no_match.
VerifyResult explain_mismatch(Scheme scheme, const Secret& secret, const SignedRequest& request,
                              std::string_view body);

VerifyResult failure(VerifyFailure kind, std::string reason);

} // namespace linkhook::detail
