#include "signing/diagnosis.hpp"

#include "base/text.hpp"
#include "signing/body_variants.hpp"
#include "signing/crypto.hpp"
#include "signing/signature_headers.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace linkhook::detail {

namespace {

// The scheme whose header syntax `value` has, judged by its start.
std::optional<Scheme> scheme_of_value(std::string_view value) {
  if (value.starts_with("t=") || value.find(",v1=") != std::string_view::npos) {
    return Scheme::stripe;
  }
  if (value.starts_with("sha256=") || value.starts_with("sha1=")) {
    return Scheme::github;
  }
  if (value.starts_with("v1,") || value.starts_with("v1a,")) {
    return Scheme::standard;
  }
  return std::nullopt;
}

bool ed25519_matches(const SignedRequest& request, std::span<const unsigned char> public_key,
                     std::string_view body) {
  const auto message = request.prefix + std::string(body);
  return std::any_of(request.ed25519.begin(), request.ed25519.end(),
                     [&](const Bytes& sig) { return ed25519_verify(public_key, message, sig); });
}

} // namespace

VerifyResult failure(VerifyFailure kind, std::string reason) {
  return {false, kind, std::move(reason)};
}

std::span<const unsigned char> hmac_key(Scheme scheme, const Secret& secret) {
  return scheme == Scheme::standard ? secret.key() : secret.text_bytes();
}

bool hmac_matches(const SignedRequest& request, std::span<const unsigned char> key,
                  std::string_view body) {
  const auto expected = hmac_sha256(key, {request.prefix, body});
  // Every signature is compared, in constant time each, so timing tells nothing about which.
  bool any = false;
  for (const auto& sig : request.hmac) {
    any = constant_time_equal(expected, sig) || any;
  }
  return any;
}

bool signature_matches(Scheme scheme, const Secret& secret, const SignedRequest& request,
                       std::string_view body) {
  const bool asymmetric = secret.form() == SecretForm::whsk || secret.form() == SecretForm::whpk;
  if (asymmetric) {
    return ed25519_matches(request, secret.public_key(), body);
  }
  return hmac_matches(request, hmac_key(scheme, secret), body);
}

std::optional<std::string> secret_form_problem(Scheme scheme, const Secret& secret, bool signing) {
  const auto form = secret.form();
  if (scheme == Scheme::standard) {
    if (form == SecretForm::raw) {
      return fmt::format(
          "the secret {} is a raw string, but the standard scheme expects whsec_<base64 key>{}; "
          "'linkhook secret' makes one",
          secret.describe(), signing ? " (or whsk_ for v1a)" : " (or whpk_ for v1a)");
    }
    if (signing && form == SecretForm::whpk) {
      return fmt::format("the secret {} is an Ed25519 public key, which only verifies; sign v1a "
                         "with its whsk_ private key",
                         secret.describe());
    }
    return std::nullopt;
  }
  if (form == SecretForm::whsk || form == SecretForm::whpk) {
    return fmt::format("the secret {} is an Ed25519 key of Standard Webhooks v1a, but the {} "
                       "scheme signs with HMAC over a shared secret string",
                       secret.describe(), scheme_name(scheme));
  }
  return std::nullopt;
}

VerifyResult missing_signature(Scheme scheme, const Headers& headers) {
  const auto name = signature_header_name(scheme);
  for (const auto other : all_schemes()) {
    const auto other_name = signature_header_name(other);
    if (other != scheme && headers.contains(other_name)) {
      return failure(VerifyFailure::wrong_scheme,
                     fmt::format("no {} header, but {} is present: the request is signed with the "
                                 "{} scheme (--scheme {})",
                                 name, other_name, scheme_name(other), scheme_name(other)));
    }
  }
  if (scheme == Scheme::github && headers.contains("X-Hub-Signature")) {
    return failure(VerifyFailure::missing_header,
                   fmt::format("missing header {}; only the older SHA-1 X-Hub-Signature is "
                               "present, and linkhook checks SHA-256",
                               name));
  }
  return failure(VerifyFailure::missing_header, fmt::format("missing header {}", name));
}

VerifyResult malformed_signature(Scheme scheme, std::string_view value, std::string_view error) {
  const auto name = signature_header_name(scheme);
  if (const auto other = scheme_of_value(value); other && *other != scheme) {
    return failure(VerifyFailure::wrong_scheme,
                   fmt::format("the {} header holds a {}-scheme signature ('{}'): the request "
                               "was signed with --scheme {}",
                               name, scheme_name(*other), shorten(value, 16), scheme_name(*other)));
  }
  return failure(VerifyFailure::malformed_header,
                 fmt::format("malformed {} header: {}", name, error));
}

VerifyResult explain_mismatch(Scheme scheme, const Secret& secret, const SignedRequest& request,
                              std::string_view body) {
  const bool asymmetric = secret.form() == SecretForm::whsk || secret.form() == SecretForm::whpk;
  if (asymmetric && request.ed25519.empty()) {
    return failure(VerifyFailure::wrong_secret_form,
                   fmt::format("the request has only v1 (HMAC) signatures, but the secret {} is "
                               "an Ed25519 key for v1a; verify v1 with the whsec_ secret",
                               secret.describe()));
  }
  if (!asymmetric && request.hmac.empty()) {
    return failure(VerifyFailure::wrong_secret_form,
                   fmt::format("the request has only v1a (Ed25519) signatures, but the secret {} "
                               "is for v1 (HMAC); verify v1a with the sender's whpk_ public key",
                               secret.describe()));
  }
  for (const auto& variant : body_variants(body)) {
    if (signature_matches(scheme, secret, request, variant.body)) {
      return failure(VerifyFailure::body_altered,
                     fmt::format("body was altered after signing: the signature matches it {} — "
                                 "verify the raw bytes received, not parsed and re-serialised "
                                 "JSON",
                                 variant.description));
    }
  }
  // The same secret string used as the key in the other scheme family's way.
  if (!asymmetric && secret.form() == SecretForm::whsec) {
    const auto other_key = scheme == Scheme::standard ? secret.text_bytes() : secret.key();
    if (hmac_matches(request, other_key, body)) {
      return failure(
          VerifyFailure::wrong_secret_form,
          scheme == Scheme::standard
              ? fmt::format("the signature was made with the whole string {} as the key; "
                            "Standard Webhooks uses the base64-decoded bytes after whsec_",
                            secret.describe())
              : fmt::format("the signature was made with the base64-decoded bytes of {} (as "
                            "Standard Webhooks does); the {} scheme uses the whole string as "
                            "the key",
                            secret.describe(), scheme_name(scheme)));
    }
  }
  const auto tried = asymmetric ? count_of(request.ed25519.size(), "v1a signature")
                                : count_of(request.hmac.size(), "signature");
  return failure(VerifyFailure::no_match,
                 fmt::format("no signature matches: {} checked with the secret {}; the body or "
                             "the secret differs from what was signed",
                             tried, secret.describe()));
}

} // namespace linkhook::detail
