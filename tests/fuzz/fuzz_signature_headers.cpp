// libFuzzer target: the parsers of signature headers, and verify() around them, take bytes from
// the network, so no input may crash them, hang them or make them read out of bounds.
// Build with clang (CXX=clang++), run: build-fuzz/tests/fuzz_signature_headers
// tests/fuzz/corpus/signature_headers -max_total_time=60
#include "error.hpp"
#include "headers.hpp"
#include "signature.hpp"
#include "signature_headers.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

using namespace linkhook;

const Secret& hmac_secret() {
  static const Secret secret = Secret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  return secret;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  (void)parse_standard_signatures(input);
  (void)parse_stripe_signatures(input);
  (void)parse_github_signature(input);
  (void)parse_unix_seconds(input);
  try {
    (void)parse_header_line(input);
  } catch (const Error&) {
    // Refusing a bad -H line with a message is the expected outcome.
  }
  // The first line is the signature header value, the rest the body: this reaches the diagnoses
  // (JSON re-serialisation of the body included) with hostile input.
  const auto newline = input.find('\n');
  const auto value = input.substr(0, newline);
  const auto body =
      newline == std::string_view::npos ? std::string_view{} : input.substr(newline + 1);
  for (const auto scheme : all_schemes()) {
    Headers headers = {{"webhook-id", "msg_1"}, {"webhook-timestamp", "1614265330"}};
    headers.add(std::string(signature_header_name(scheme)), std::string(value));
    (void)verify(scheme, hmac_secret(), headers, body, 1614265330);
  }
  return 0;
}
