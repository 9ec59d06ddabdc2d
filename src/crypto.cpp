#include "crypto.hpp"

#include "error.hpp"

#include <memory>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

namespace linkhook {

namespace {

struct MacFree {
  void operator()(EVP_MAC* mac) const { EVP_MAC_free(mac); }
  void operator()(EVP_MAC_CTX* ctx) const { EVP_MAC_CTX_free(ctx); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

// A failure here is OpenSSL itself failing (out of memory, a broken installation), not bad input.
[[noreturn]] void crypto_failure(std::string_view what) {
  throw Error("OpenSSL failed to " + std::string(what), ExitCode::failed);
}

// Fetched once: fetching walks the provider tables, which costs more than a short HMAC.
EVP_MAC* hmac_algorithm() {
  static const std::unique_ptr<EVP_MAC, MacFree> mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
  if (!mac) {
    crypto_failure("load HMAC");
  }
  return mac.get();
}

using KeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

KeyPtr ed25519_private(std::span<const unsigned char> seed) {
  return KeyPtr(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size()));
}

KeyPtr ed25519_public(std::span<const unsigned char> raw) {
  return KeyPtr(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, raw.data(), raw.size()));
}

} // namespace

Bytes hmac_sha256(std::span<const unsigned char> key,
                  std::initializer_list<std::string_view> parts) {
  const std::unique_ptr<EVP_MAC_CTX, MacFree> ctx(EVP_MAC_CTX_new(hmac_algorithm()));
  char digest[] = "SHA256";
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                               OSSL_PARAM_construct_end()};
  // An empty key is legal HMAC; OpenSSL wants a non-null pointer for it all the same.
  static const unsigned char k_empty = 0;
  const unsigned char* key_data = key.empty() ? &k_empty : key.data();
  if (!ctx || EVP_MAC_init(ctx.get(), key_data, key.size(), params) != 1) {
    crypto_failure("start an HMAC");
  }
  for (const auto part : parts) {
    const auto bytes = as_bytes(part);
    if (EVP_MAC_update(ctx.get(), bytes.data(), bytes.size()) != 1) {
      crypto_failure("compute an HMAC");
    }
  }
  Bytes out(k_sha256_size);
  std::size_t size = 0;
  if (EVP_MAC_final(ctx.get(), out.data(), &size, out.size()) != 1) {
    crypto_failure("finish an HMAC");
  }
  out.resize(size);
  return out;
}

Bytes sha256(std::span<const unsigned char> data) {
  Bytes out(k_sha256_size);
  unsigned size = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &size, EVP_sha256(), nullptr) != 1) {
    crypto_failure("compute SHA-256");
  }
  return out;
}

bool constant_time_equal(std::span<const unsigned char> a, std::span<const unsigned char> b) {
  // The length of a signature is public (it is fixed by the algorithm); only the bytes are secret.
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

Bytes random_bytes(std::size_t count) {
  Bytes out(count);
  if (RAND_bytes(out.data(), static_cast<int>(count)) != 1) {
    crypto_failure("draw random bytes");
  }
  return out;
}

Bytes ed25519_public_key(std::span<const unsigned char> seed) {
  const auto key = ed25519_private(seed);
  Bytes out(k_ed25519_key_size);
  std::size_t size = out.size();
  if (!key || EVP_PKEY_get_raw_public_key(key.get(), out.data(), &size) != 1) {
    crypto_failure("derive an Ed25519 public key");
  }
  return out;
}

Bytes ed25519_sign(std::span<const unsigned char> seed, std::string_view message) {
  const auto key = ed25519_private(seed);
  const std::unique_ptr<EVP_MD_CTX, PkeyFree> ctx(EVP_MD_CTX_new());
  Bytes out(k_ed25519_signature_size);
  std::size_t size = out.size();
  const auto bytes = as_bytes(message);
  if (!key || !ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), out.data(), &size, bytes.data(), bytes.size()) != 1) {
    crypto_failure("make an Ed25519 signature");
  }
  return out;
}

bool ed25519_verify(std::span<const unsigned char> public_key, std::string_view message,
                    std::span<const unsigned char> signature) {
  const auto key = ed25519_public(public_key);
  const std::unique_ptr<EVP_MD_CTX, PkeyFree> ctx(EVP_MD_CTX_new());
  if (!key || !ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1) {
    return false;
  }
  const auto bytes = as_bytes(message);
  return EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), bytes.data(),
                          bytes.size()) == 1;
}

} // namespace linkhook
