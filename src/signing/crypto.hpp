#pragma once

#include "base/encoding.hpp"

#include <array>
#include <initializer_list>
#include <span>
#include <string_view>

// The few primitives signatures need, over OpenSSL 3. Keys are raw bytes; parsing their textual
// forms (whsec_, whsk_, whpk_) is secret.hpp's job.
namespace linkhook {

inline constexpr std::size_t k_sha256_size = 32;
inline constexpr std::size_t k_sha256_block_size = 64;
inline constexpr std::size_t k_ed25519_key_size = 32;
inline constexpr std::size_t k_ed25519_signature_size = 64;

using Sha256Digest = std::array<unsigned char, k_sha256_size>;

// HMAC-SHA256 of the concatenation of `parts`, fed in order without copying them together.
Sha256Digest hmac_sha256(std::span<const unsigned char> key,
                         std::initializer_list<std::string_view> parts);

Bytes sha256(std::span<const unsigned char> data);

// Equal length and equal bytes, in a time that does not depend on where they differ.
bool constant_time_equal(std::span<const unsigned char> a, std::span<const unsigned char> b);

// Bytes from the operating system's cryptographic generator; throws Error when it fails.
Bytes random_bytes(std::size_t count);

// The public key of an Ed25519 private key given as its 32-byte seed.
Bytes ed25519_public_key(std::span<const unsigned char> seed);

Bytes ed25519_sign(std::span<const unsigned char> seed, std::string_view message);

bool ed25519_verify(std::span<const unsigned char> public_key, std::string_view message,
                    std::span<const unsigned char> signature);

} // namespace linkhook
