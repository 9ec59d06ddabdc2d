#include "base/error.hpp"
#include "signing/secret.hpp"

#include <doctest/doctest.h>
#include <set>

using namespace linkhook;

namespace {

// The message of the Error that parsing `text` throws.
std::string parse_error(std::string_view text) {
  try {
    Secret::parse(text, Scheme::standard);
  } catch (const Error& e) {
    return e.what();
  }
  FAIL("no error for a bad secret");
  return {};
}

} // namespace

TEST_SUITE("signing/secret") {
  TEST_CASE("forms: whsec_, whsk_, whpk_ decode, anything else is raw") {
    const auto whsec = Secret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", Scheme::standard);
    CHECK(whsec.form() == SecretForm::whsec);
    CHECK(whsec.key().size() == 24);
    CHECK(whsec.text_bytes().size() == 38);
    const auto raw = Secret::parse("It's a Secret to Everybody", Scheme::standard);
    CHECK(raw.form() == SecretForm::raw);
    CHECK(raw.key().empty());
    const auto keys = generate_ed25519_keys();
    const auto private_key = Secret::parse(keys.secret_key, Scheme::standard);
    const auto public_key = Secret::parse(keys.public_key, Scheme::standard);
    CHECK(private_key.form() == SecretForm::whsk);
    CHECK(public_key.form() == SecretForm::whpk);
    CHECK(private_key.key().size() == 32);
    CHECK(std::equal(private_key.public_key().begin(), private_key.public_key().end(),
                     public_key.public_key().begin(), public_key.public_key().end()));
  }

  TEST_CASE("errors name the secret by fingerprint and never echo it") {
    const auto bad_base64 = parse_error("whsec_not*base64*SECRETVALUE");
    CHECK(bad_base64.find("SECRETVALUE") == std::string::npos);
    CHECK(bad_base64.find("is not base64 after 'whsec_'") != std::string::npos);
    CHECK(bad_base64.find("(fp ") != std::string::npos);
    CHECK(parse_error("whpk_Zm9v").find("3-byte key; whpk_ expects an Ed25519 key of 32") !=
          std::string::npos);
    CHECK(parse_error("") == "the secret is empty");
  }

  TEST_CASE("stripe and github: any text is the key, none refused but the empty one") {
    for (const auto scheme : {Scheme::stripe, Scheme::github}) {
      CAPTURE(scheme_name(scheme));
      const auto test_secret = Secret::parse("whsec_test_secret", scheme);
      CHECK(test_secret.form() == SecretForm::raw);
      CHECK(test_secret.text_bytes().size() == 17);
      CHECK(test_secret.describe() == "… (fp " + test_secret.fingerprint() + ")");
      CHECK(Secret::parse("whpk_Zm9v", scheme).form() == SecretForm::raw);
      CHECK(Secret::parse("whsk_", scheme).form() == SecretForm::raw);
      // A whsec_ secret that decodes keeps its bytes, to diagnose a key used the other way.
      const auto whsec = Secret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", scheme);
      CHECK(whsec.form() == SecretForm::whsec);
      CHECK(whsec.key().size() == 24);
      CHECK_THROWS_AS(Secret::parse("", scheme), Error);
    }
  }

  TEST_CASE("fingerprint: 8 hex digits, stable, different for different secrets") {
    const auto a = Secret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", Scheme::standard);
    CHECK(a.fingerprint().size() == 8);
    CHECK(a.fingerprint() ==
          Secret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", Scheme::standard).fingerprint());
    CHECK(a.fingerprint() !=
          Secret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSx", Scheme::standard).fingerprint());
    CHECK(a.describe() == "whsec_… (fp " + a.fingerprint() + ")");
    CHECK(Secret::parse("hunter2", Scheme::standard).describe().starts_with("… (fp "));
  }

  TEST_CASE("without_fingerprint takes every mention of the fingerprint out of a message") {
    const auto raw = Secret::parse("hunter2", Scheme::standard);
    const auto text = "the secret " + raw.describe() + " or " + raw.describe() + ", fp kept";
    CHECK(raw.without_fingerprint(text) == "the secret … or …, fp kept");
  }

  TEST_CASE("generated secrets have the scheme's form and are fresh each time") {
    const auto standard = generate_secret(Scheme::standard);
    CHECK(standard.starts_with("whsec_"));
    CHECK(Secret::parse(standard, Scheme::standard).key().size() == 32);
    CHECK(generate_secret(Scheme::github).size() == 64);
    CHECK(standard != generate_secret(Scheme::standard));
    const auto keys = generate_ed25519_keys();
    CHECK(keys.secret_key.starts_with("whsk_"));
    CHECK(keys.public_key.starts_with("whpk_"));
  }

  TEST_CASE("message ids: msg_ and 27 letters or digits, all different") {
    std::set<std::string> ids;
    for (int i = 0; i < 100; ++i) {
      const auto id = generate_message_id();
      CHECK(id.size() == 31);
      CHECK(id.starts_with("msg_"));
      CHECK(id.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
                                 4) == std::string::npos);
      ids.insert(id);
    }
    CHECK(ids.size() == 100);
    std::string into(100, 'x'); // overwritten, not appended to
    generate_message_id(into);
    CHECK(into.size() == 31);
    CHECK(into.starts_with("msg_"));
    CHECK_FALSE(ids.contains(into));
  }
}
