// libFuzzer target: the parsers of signature headers, and verify() around them, take bytes from
// the network, so no input may crash them, hang them or make them read out of bounds, and what
// they accept must be what each scheme's header holds. All three schemes; standard with both an
// HMAC secret (v1) and an Ed25519 public key (v1a).
#include "base/error.hpp"
#include "fuzz_check.hpp"
#include "http/headers.hpp"
#include "signing/crypto.hpp"
#include "signing/signature.hpp"
#include "signing/signature_headers.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace linkhook;

constexpr UnixSeconds k_now = 1614265330;

const Secret& hmac_secret() {
  static const Secret secret =
      Secret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", Scheme::standard);
  return secret;
}

const Secret& ed25519_public_key() {
  static const Secret secret =
      Secret::parse("whpk_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=", Scheme::standard);
  return secret;
}

void check_parsers(std::string_view input) {
  const auto standard = parse_standard_signatures(input);
  FUZZ_CHECK(standard.error.empty() == (!standard.v1.empty() || !standard.v1a.empty()));
  for (const auto& signature : standard.v1) {
    FUZZ_CHECK(signature.size() == k_sha256_size);
  }
  for (const auto& signature : standard.v1a) {
    FUZZ_CHECK(signature.size() == k_ed25519_signature_size);
  }
  const auto stripe = parse_stripe_signatures(input);
  FUZZ_CHECK(stripe.error.empty() || stripe.timestamp == 0);
  FUZZ_CHECK(!stripe.error.empty() || !stripe.v1.empty());
  for (const auto& signature : stripe.v1) {
    FUZZ_CHECK(signature.size() == k_sha256_size);
  }
  const auto github = parse_github_signature(input);
  FUZZ_CHECK(github.error.empty() == (github.sha256.size() == k_sha256_size));
  // Unix seconds read back as the same digits, leading zeros aside.
  if (const auto seconds = parse_unix_seconds(input)) {
    const auto digits = input.substr(std::min(input.find_first_not_of('0'), input.size() - 1));
    FUZZ_CHECK(std::to_string(*seconds) == digits);
  }
  try {
    const auto header = parse_header_line(input);
    FUZZ_CHECK(!header.name.empty() &&
               input.substr(0, input.find(':')).find(header.name) != std::string_view::npos);
  } catch (const Error&) {
    // Refusing a bad -H line with a message is the expected outcome.
  }
}

// The signatures in a header value of `scheme`, as its parser reads them.
std::vector<Bytes> signatures(Scheme scheme, std::string_view value) {
  switch (scheme) {
  case Scheme::standard:
    return parse_standard_signatures(value).v1;
  case Scheme::stripe:
    return parse_stripe_signatures(value).v1;
  case Scheme::github:
    break;
  }
  auto github = parse_github_signature(value);
  return github.error.empty() ? std::vector<Bytes>{github.sha256} : std::vector<Bytes>{};
}

// Whether `value` holds the signature that the secret really makes for `body`: the only way for
// a request to verify (the seeds hold some).
bool holds_genuine_signature(Scheme scheme, std::string_view value, std::string_view body) {
  const auto genuine = sign(scheme, hmac_secret(), {"msg_1", k_now, body});
  const auto expected = signatures(scheme, *genuine.find(signature_header_name(scheme)));
  const auto found = signatures(scheme, value);
  return std::find_first_of(found.begin(), found.end(), expected.begin(), expected.end()) !=
         found.end();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  check_parsers(input);
  // The first line is the signature header value, the rest the body: this reaches the diagnoses
  // (JSON re-serialisation of the body included) with hostile input.
  const auto newline = input.find('\n');
  const auto value = input.substr(0, newline);
  const auto body =
      newline == std::string_view::npos ? std::string_view{} : input.substr(newline + 1);
  for (const auto scheme : all_schemes()) {
    Headers headers = {{"webhook-id", "msg_1"}, {"webhook-timestamp", "1614265330"}};
    headers.add(std::string(signature_header_name(scheme)), std::string(value));
    // Anything else that verified would be a forgery.
    if (verify(scheme, hmac_secret(), headers, body, k_now).valid) {
      FUZZ_CHECK(holds_genuine_signature(scheme, value, body));
    }
    if (scheme == Scheme::standard) {
      FUZZ_CHECK(!verify(scheme, ed25519_public_key(), headers, body, k_now).valid);
    }
  }
  return 0;
}
