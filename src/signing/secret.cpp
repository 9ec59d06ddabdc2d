#include "signing/secret.hpp"

#include "base/error.hpp"
#include "signing/crypto.hpp"

#include <array>
#include <fmt/format.h>

namespace linkhook {

namespace {

constexpr std::size_t k_hmac_secret_size = 32; // as the Standard Webhooks libraries make them
constexpr std::size_t k_fingerprint_bytes = 4;
constexpr std::size_t k_message_id_length = 27;
// libsodium writes an Ed25519 private key as the seed followed by the public key.
constexpr std::size_t k_libsodium_private_key_size = 64;

constexpr SecretForm k_prefixed_forms[] = {SecretForm::whsec, SecretForm::whsk, SecretForm::whpk};

// Throws when the decoded key has a size the form does not allow; names the secret by `describe`.
void check_key_size(const Secret& secret, SecretForm form, std::size_t size) {
  const bool ok = form == SecretForm::whsec
                      ? size > 0
                      : size == k_ed25519_key_size ||
                            (form == SecretForm::whsk && size == k_libsodium_private_key_size);
  if (!ok) {
    throw Error(
        fmt::format("secret {} holds a {}-byte key; {} expects {}", secret.describe(), size,
                    secret_prefix(form),
                    form == SecretForm::whsec ? "at least 1 byte" : "an Ed25519 key of 32"));
  }
}

} // namespace

std::string_view secret_prefix(SecretForm form) {
  switch (form) {
  case SecretForm::whsec:
    return "whsec_";
  case SecretForm::whsk:
    return "whsk_";
  case SecretForm::whpk:
    return "whpk_";
  case SecretForm::raw:
    return "";
  }
  return "";
}

Secret Secret::parse(std::string_view text, Scheme scheme) {
  if (text.empty()) {
    throw Error("the secret is empty");
  }
  Secret secret;
  secret.m_text = std::string(text);
  if (scheme != Scheme::standard) {
    const auto prefix = secret_prefix(SecretForm::whsec);
    if (text.starts_with(prefix)) {
      if (auto key = base64_decode(text.substr(prefix.size())); key && !key->empty()) {
        secret.m_form = SecretForm::whsec;
        secret.m_key = std::move(*key);
      }
    }
    return secret;
  }
  for (const auto form : k_prefixed_forms) {
    const auto prefix = secret_prefix(form);
    if (!text.starts_with(prefix)) {
      continue;
    }
    secret.m_form = form;
    auto key = base64_decode(text.substr(prefix.size()));
    if (!key) {
      throw Error(fmt::format("secret {} is not base64 after '{}'", secret.describe(), prefix));
    }
    check_key_size(secret, form, key->size());
    if (form == SecretForm::whpk) {
      secret.m_public_key = std::move(*key);
    } else if (form == SecretForm::whsk) {
      key->resize(k_ed25519_key_size);
      secret.m_public_key = ed25519_public_key(*key);
      secret.m_key = std::move(*key);
    } else {
      secret.m_key = std::move(*key);
    }
    break;
  }
  return secret;
}

std::string Secret::fingerprint() const {
  const auto digest = sha256(as_bytes(m_text));
  return hex_encode(std::span(digest).first(k_fingerprint_bytes));
}

std::string Secret::describe() const {
  if (m_form == SecretForm::raw) {
    return fmt::format("… (fp {})", fingerprint());
  }
  return fmt::format("{}… (fp {})", secret_prefix(m_form), fingerprint());
}

std::string Secret::without_fingerprint(std::string_view text) const {
  const auto mark = fmt::format(" (fp {})", fingerprint());
  std::string out(text);
  for (auto at = out.find(mark); at != std::string::npos; at = out.find(mark, at)) {
    out.erase(at, mark.size());
  }
  return out;
}

std::string generate_secret(Scheme scheme) {
  const auto key = random_bytes(k_hmac_secret_size);
  if (scheme == Scheme::github) {
    return hex_encode(key);
  }
  return "whsec_" + base64_encode(key);
}

Ed25519Keys generate_ed25519_keys() {
  const auto seed = random_bytes(k_ed25519_key_size);
  return {"whsk_" + base64_encode(seed), "whpk_" + base64_encode(ed25519_public_key(seed))};
}

std::string generate_message_id() {
  std::string id;
  generate_message_id(id);
  return id;
}

void generate_message_id(std::string& into) {
  constexpr std::string_view k_alphabet =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  // 62 * 4 = 248: bytes from 248 up are dropped so that every character is equally likely.
  constexpr unsigned k_limit = 248;
  // The kernel's bytes, drawn a few KiB at a time per thread: `send --count` makes an id per
  // delivery, and a system call for each showed in its profile.
  thread_local Bytes pool;
  thread_local std::size_t used = 0;
  std::array<char, k_message_id_length> id{};
  for (std::size_t filled = 0; filled < id.size();) {
    if (used == pool.size()) {
      pool = random_bytes(4096);
      used = 0;
    }
    if (const unsigned char b = pool[used++]; b < k_limit) {
      id[filled++] = k_alphabet[b % k_alphabet.size()];
    }
  }
  into.assign("msg_").append(id.data(), id.size());
}

} // namespace linkhook
