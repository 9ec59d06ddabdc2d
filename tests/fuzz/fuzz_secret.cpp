// libFuzzer target: secrets and keys come from flags, environment variables and files, so
// Secret::parse must take any text, refuse it with an Error at worst without ever showing it (and
// for stripe and github, where the whole string is the key, refuse nothing but the empty text),
// and any secret it accepts must sign what it then verifies with its scheme.
#include "base/error.hpp"
#include "fuzz_check.hpp"
#include "signing/secret.hpp"
#include "signing/signature.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

using namespace linkhook;

constexpr std::size_t k_ed25519_key_bytes = 32;
constexpr UnixSeconds k_now = 1614265330;

// Messages name a secret by its fingerprint; the text itself must never appear in one. A text
// of printable words could be a piece of a message's own wording, so only texts holding a control
// byte, which no wording has, are looked for.
void check_not_shown(std::string_view message, std::string_view text) {
  const bool has_control_byte = std::any_of(
      text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; });
  if (has_control_byte) {
    FUZZ_CHECK(message.find(text) == std::string_view::npos);
  }
}

void check_form(const Secret& secret, Scheme scheme, std::string_view text) {
  const auto key = secret.key().size();
  const auto public_key = secret.public_key().size();
  switch (secret.form()) {
  case SecretForm::whsec:
    FUZZ_CHECK(key > 0 && public_key == 0);
    break;
  case SecretForm::whsk:
    FUZZ_CHECK(key == k_ed25519_key_bytes && public_key == k_ed25519_key_bytes);
    break;
  case SecretForm::whpk:
    FUZZ_CHECK(key == 0 && public_key == k_ed25519_key_bytes);
    break;
  case SecretForm::raw:
    FUZZ_CHECK(key == 0 && public_key == 0);
    if (scheme == Scheme::standard) {
      FUZZ_CHECK(!text.starts_with("whsec_") && !text.starts_with("whsk_") &&
                 !text.starts_with("whpk_"));
    }
    break;
  }
  FUZZ_CHECK(scheme == Scheme::standard || secret.form() == SecretForm::whsec ||
             secret.form() == SecretForm::raw);
  FUZZ_CHECK(text.starts_with(secret_prefix(secret.form())));
}

// Whatever a secret signs, the same secret verifies.
void check_signs_and_verifies(const Secret& secret, Scheme scheme) {
  const Message message{"msg_2", k_now, R"({"event":"ping"})"};
  Headers headers;
  try {
    headers = sign(scheme, secret, message);
  } catch (const Error& e) {
    FUZZ_CHECK(scheme == Scheme::standard); // a whpk_ key, or a raw one
    check_not_shown(e.what(), {reinterpret_cast<const char*>(secret.text_bytes().data()),
                               secret.text_bytes().size()});
    return;
  }
  const auto result = verify(scheme, secret, headers, message.body, k_now);
  FUZZ_CHECK(result.valid);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  for (const auto scheme : all_schemes()) {
    try {
      const auto secret = Secret::parse(input, scheme);
      check_form(secret, scheme, input);
      const auto text = secret.text_bytes();
      FUZZ_CHECK(std::string_view(reinterpret_cast<const char*>(text.data()), text.size()) ==
                 input);
      check_not_shown(secret.describe(), input);
      FUZZ_CHECK(secret.fingerprint().size() == 8);
      check_signs_and_verifies(secret, scheme);
    } catch (const Error& e) {
      FUZZ_CHECK(scheme == Scheme::standard || input.empty());
      check_not_shown(e.what(), input);
    }
  }
  return 0;
}
