// SHA256_Init/Update/Final are deprecated in OpenSSL 3 in favour of EVP, whose start-up cost is
// what hmac_sha256 avoids; they remain part of OpenSSL 3's API. Defined before any OpenSSL header.
#define OPENSSL_SUPPRESS_DEPRECATED

#include "signing/crypto.hpp"

#include "base/error.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <memory>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <sys/random.h>

namespace linkhook {

namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

// A failure here is OpenSSL itself failing (out of memory, a broken installation), not bad input.
[[noreturn]] void crypto_failure(std::string_view what) {
  throw Error("OpenSSL failed to " + std::string(what), ExitCode::failed);
}

using KeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

KeyPtr ed25519_private(std::span<const unsigned char> seed) {
  return KeyPtr(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size()));
}

KeyPtr ed25519_public(std::span<const unsigned char> raw) {
  return KeyPtr(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, raw.data(), raw.size()));
}

} // namespace

Sha256Digest hmac_sha256(std::span<const unsigned char> key,
                         std::initializer_list<std::string_view> parts) {
  // RFC 2104 over OpenSSL's SHA-256 block functions. EVP_MAC would first initialise OpenSSL's
  // provider machinery and read its configuration: about a millisecond of a short-lived
  // `linkhook sign`, most of its run time.
  std::array<unsigned char, k_sha256_block_size> block{};
  if (key.size() > block.size()) {
    const auto digest = sha256(key);
    std::copy(digest.begin(), digest.end(), block.begin());
  } else {
    std::copy(key.begin(), key.end(), block.begin());
  }
  auto pad = [&block](unsigned char with) {
    auto padded = block;
    for (auto& byte : padded) {
      byte ^= with;
    }
    return padded;
  };
  const auto inner_pad = pad(0x36);
  const auto outer_pad = pad(0x5c);
  OPENSSL_cleanse(block.data(), block.size());

  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, inner_pad.data(), inner_pad.size());
  for (const auto part : parts) {
    SHA256_Update(&ctx, part.data(), part.size());
  }
  Sha256Digest inner{};
  SHA256_Final(inner.data(), &ctx);

  Sha256Digest out{};
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, outer_pad.data(), outer_pad.size());
  SHA256_Update(&ctx, inner.data(), inner.size());
  SHA256_Final(out.data(), &ctx);
  return out;
}

Bytes sha256(std::span<const unsigned char> data) {
  Bytes out(k_sha256_size);
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, data.data(), data.size());
  SHA256_Final(out.data(), &ctx);
  return out;
}

bool constant_time_equal(std::span<const unsigned char> a, std::span<const unsigned char> b) {
  // The length of a signature is public (it is fixed by the algorithm); only the bytes are secret.
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

Bytes random_bytes(std::size_t count) {
  // The kernel's generator, which OpenSSL's RAND_bytes seeds itself from, read directly: RAND_bytes
  // would first initialise OpenSSL's providers, a millisecond of every command that draws an id.
  Bytes out(count);
  std::size_t filled = 0;
  while (filled < count) {
    const auto got = getrandom(out.data() + filled, count - filled, 0);
    if (got < 0 && errno != EINTR) {
      throw Error("the system's random generator failed: " + std::string(std::strerror(errno)),
                  ExitCode::failed);
    }
    filled += got > 0 ? static_cast<std::size_t>(got) : 0;
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
