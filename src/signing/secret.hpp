#pragma once

#include "base/encoding.hpp"
#include "signing/scheme.hpp"

#include <string>
#include <string_view>

namespace linkhook {

// The textual forms a secret comes in. Standard Webhooks prefixes base64 key bytes; Stripe and
// GitHub use the whole string as the key, whatever it looks like (a Stripe secret happens to start
// with whsec_ too, and its test secrets, like whsec_test_secret, are not base64).
enum class SecretForm {
  whsec, // whsec_<base64 HMAC key>
  whsk,  // whsk_<base64 Ed25519 private key>: signs v1a (standard only)
  whpk,  // whpk_<base64 Ed25519 public key>: verifies v1a (standard only)
  raw,   // anything else
};

// A signing or verifying secret, parsed once (not per request). It never prints itself: messages
// name it by describe(), a short fingerprint.
class Secret {
public:
  // Throws Error (usage) for an empty secret, or, for the standard scheme, a whsec_/whsk_/whpk_
  // one whose key does not decode; the message names the secret by its fingerprint only. For
  // stripe and github any text is a key: a whsec_ one that decodes keeps its decoded bytes too,
  // only so that a mismatch can tell when they were used instead; all else is raw.
  static Secret parse(std::string_view text, Scheme scheme);

  SecretForm form() const { return m_form; }

  // The whole text as given: the HMAC key of the stripe and github schemes.
  std::span<const unsigned char> text_bytes() const { return as_bytes(m_text); }

  // The decoded key of a prefixed form: the HMAC key of whsec_, the 32-byte Ed25519 seed of whsk_,
  // the 32-byte public key of whpk_ (derived from the seed for whsk_). Empty for raw.
  std::span<const unsigned char> key() const { return m_key; }
  std::span<const unsigned char> public_key() const { return m_public_key; }

  // First 8 hex digits of the SHA-256 of the text: enough to tell two secrets apart in a log.
  std::string fingerprint() const;

  // "whsec_… (fp 1a2b3c4d)", or "… (fp 1a2b3c4d)" for a raw secret.
  std::string describe() const;

  // `text` without the " (fp 1a2b3c4d)" that describe() put in it, for readers who must not learn
  // the fingerprint: with it, a listener's unauthenticated callers could test guesses offline.
  std::string without_fingerprint(std::string_view text) const;

private:
  SecretForm m_form = SecretForm::raw;
  std::string m_text;
  Bytes m_key;
  Bytes m_public_key;
};

std::string_view secret_prefix(SecretForm form); // "whsec_", "whsk_", "whpk_" or ""

// A fresh random secret in the scheme's usual form: whsec_ with 32 random bytes for standard and
// stripe (as Stripe's own), 32 random bytes in hex for github.
std::string generate_secret(Scheme scheme);

struct Ed25519Keys {
  std::string secret_key; // whsk_...
  std::string public_key; // whpk_...
};

Ed25519Keys generate_ed25519_keys();

// "msg_" and 27 random letters and digits, like the ids of Standard Webhooks senders.
std::string generate_message_id();
// The same, written over `into` (its storage kept).
void generate_message_id(std::string& into);

} // namespace linkhook
