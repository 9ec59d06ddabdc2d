#include "base/error.hpp"
#include "signing/crypto.hpp"
#include "signing/signature.hpp"

#include <doctest/doctest.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <vector>

using namespace linkhook;

namespace {

constexpr UnixSeconds k_now = 1614265330;
const std::string k_whsec = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const std::string k_body = R"({"test": 2432232314})";

nlohmann::json vectors() {
  std::ifstream file(LINKHOOK_VECTORS_PATH);
  REQUIRE(file.good());
  return nlohmann::json::parse(file);
}

Headers signed_headers(Scheme scheme, const std::string& secret, std::string_view body,
                       UnixSeconds at = k_now) {
  return sign(scheme, Secret::parse(secret, scheme), {"msg_p5jXN8AQM9LWM0D4loKWxJek", at, body});
}

VerifyResult check(Scheme scheme, const std::string& secret, const Headers& headers,
                   std::string_view body, UnixSeconds now = k_now) {
  return verify(scheme, Secret::parse(secret, scheme), headers, body, now);
}

// `headers` with the value of `name` replaced.
Headers with(const Headers& headers, std::string_view name, std::string value) {
  Headers out;
  for (const auto& header : headers) {
    out.add(header.name, header_name_equal(header.name, name) ? value : header.value);
  }
  return out;
}

bool says(const VerifyResult& result, std::string_view text) {
  return result.reason.find(text) != std::string::npos;
}

} // namespace

TEST_SUITE("signing/signature") {
  TEST_CASE("every public test vector signs and verifies") {
    const auto all = vectors();
    for (const auto& v : all["standard"]) {
      const auto headers = signed_headers(Scheme::standard, v["secret"],
                                          v["body"].get<std::string>(), v["timestamp"]);
      CHECK(*headers.find("webhook-signature") == v["signature"]);
      const Headers received = {{"webhook-id", v["id"]},
                                {"webhook-timestamp", std::to_string(v["timestamp"].get<long>())},
                                {"webhook-signature", v["signature"]}};
      CHECK(check(Scheme::standard, v["secret"], received, v["body"].get<std::string>(),
                  v["timestamp"])
                .valid);
    }
    for (const auto& v : all["github"]) {
      const auto headers =
          signed_headers(Scheme::github, v["secret"], v["body"].get<std::string>());
      CHECK(*headers.find("X-Hub-Signature-256") == v["signature"]);
      CHECK(check(Scheme::github, v["secret"], {{"x-hub-signature-256", v["signature"]}},
                  v["body"].get<std::string>())
                .valid);
    }
  }

  TEST_CASE("stripe matches an HMAC computed by openssl dgst") {
    const auto headers = signed_headers(Scheme::stripe, k_whsec, k_body);
    CHECK(*headers.find("Stripe-Signature") ==
          "t=1614265330,v1=2e37df5d4a028c51a7f3133d64ae1e300d2c2c900f1b1d49d4369ad2530f8964");
  }

  TEST_CASE("headers come in their fixed order") {
    const auto headers = signed_headers(Scheme::standard, k_whsec, k_body);
    std::vector<std::string> names;
    for (const auto& header : headers) {
      names.push_back(header.name);
    }
    CHECK(names ==
          std::vector<std::string>{"webhook-id", "webhook-timestamp", "webhook-signature"});
  }

  TEST_CASE("signing into a reused list gives what a fresh one holds, for every scheme and form") {
    const auto keys = generate_ed25519_keys();
    const std::pair<Scheme, std::string> cases[] = {{Scheme::standard, k_whsec},
                                                    {Scheme::standard, keys.secret_key},
                                                    {Scheme::stripe, "whsec_stripe"},
                                                    {Scheme::github, "It's a Secret"}};
    Headers reused;
    for (int round = 0; round < 2; ++round) {
      for (const auto& [scheme, text] : cases) {
        CAPTURE(scheme_name(scheme));
        const auto secret = Secret::parse(text, scheme);
        // The storage left from longer names and values must not show through.
        reused.clear();
        for (int i = 0; i < 4; ++i) {
          reused.add(std::string(40, 'N'), std::string(200, 'v'));
        }
        reused.clear();
        const Message message{"msg_1", k_now + round, k_body};
        sign(reused, scheme, secret, message);
        const auto fresh = sign(scheme, secret, message);
        CHECK(std::vector<Header>(reused.begin(), reused.end()) ==
              std::vector<Header>(fresh.begin(), fresh.end()));
        CHECK(check(scheme, text == keys.secret_key ? keys.public_key : text, reused, k_body,
                    k_now + round)
                  .valid);
      }
    }
  }

  TEST_CASE("round trips for every scheme, v1a included, tampering and wrong secrets fail") {
    const auto keys = generate_ed25519_keys();
    struct Case {
      Scheme scheme;
      std::string sign_with, verify_with;
    };
    const Case cases[] = {{Scheme::standard, k_whsec, k_whsec},
                          {Scheme::standard, keys.secret_key, keys.public_key},
                          {Scheme::standard, keys.secret_key, keys.secret_key},
                          {Scheme::stripe, "whsec_stripe", "whsec_stripe"},
                          {Scheme::github, "It's a Secret", "It's a Secret"}};
    for (const auto& c : cases) {
      CAPTURE(scheme_name(c.scheme));
      const auto headers = signed_headers(c.scheme, c.sign_with, k_body);
      const auto good = check(c.scheme, c.verify_with, headers, k_body);
      CHECK(good.valid);
      CHECK(good.reason == "valid");
      const auto tampered = check(c.scheme, c.verify_with, headers, R"({"test": 2432232315})");
      CHECK(tampered.failure == VerifyFailure::no_match);
      const auto other_secret = c.scheme == Scheme::standard
                                    ? (c.sign_with == k_whsec ? generate_secret(Scheme::standard)
                                                              : generate_ed25519_keys().public_key)
                                    : c.verify_with + "x";
      const auto wrong = check(c.scheme, other_secret, headers, k_body);
      CHECK(wrong.failure == VerifyFailure::no_match);
      CHECK(says(wrong, "(fp " + Secret::parse(other_secret, c.scheme).fingerprint() + ")"));
      CHECK_FALSE(says(wrong, other_secret));
    }
  }

  TEST_CASE("timestamps beyond the tolerance fail in both directions, with how far") {
    const auto headers = signed_headers(Scheme::standard, k_whsec, k_body);
    CHECK(check(Scheme::standard, k_whsec, headers, k_body, k_now + 300).valid);
    CHECK(check(Scheme::standard, k_whsec, headers, k_body, k_now - 300).valid);
    const auto old = check(Scheme::standard, k_whsec, headers, k_body, k_now + 412);
    CHECK(old.failure == VerifyFailure::timestamp_too_old);
    CHECK(says(old, "timestamp too old: 412 seconds in the past, beyond the tolerance of 300"));
    const auto future = check(Scheme::standard, k_whsec, headers, k_body, k_now - 301);
    CHECK(future.failure == VerifyFailure::timestamp_too_new);
    CHECK(says(future, "301 seconds in the future"));
    const auto stripe = signed_headers(Scheme::stripe, "sk", k_body);
    CHECK(check(Scheme::stripe, "sk", stripe, k_body, k_now + 1000).failure ==
          VerifyFailure::timestamp_too_old);
    CHECK(verify(Scheme::stripe, Secret::parse("sk", Scheme::stripe), stripe, k_body, k_now + 1000,
                 1000)
              .valid);
    // GitHub signs no time: any clock verifies.
    CHECK(
        check(Scheme::github, "sk", signed_headers(Scheme::github, "sk", k_body), k_body, 0).valid);
  }

  TEST_CASE("several signatures: one valid one is enough") {
    const auto headers = signed_headers(Scheme::standard, k_whsec, k_body);
    const auto good = *headers.find("webhook-signature");
    const auto other = *signed_headers(Scheme::standard, generate_secret(Scheme::standard), k_body)
                            .find("webhook-signature");
    const auto rotated = with(headers, "webhook-signature", other + " v2,future " + good);
    CHECK(check(Scheme::standard, k_whsec, rotated, k_body).valid);
    const auto stripe = *signed_headers(Scheme::stripe, "sk", k_body).find("stripe-signature");
    const auto stripe_rotated = "t=1614265330,v1=" + std::string(64, '0') + "," + stripe.substr(13);
    CHECK(check(Scheme::stripe, "sk", {{"Stripe-Signature", stripe_rotated}}, k_body).valid);
  }

  TEST_CASE("missing and malformed headers are named") {
    const auto headers = signed_headers(Scheme::standard, k_whsec, k_body);
    for (const auto* name : {"webhook-id", "webhook-timestamp", "webhook-signature"}) {
      Headers fewer;
      for (const auto& header : headers) {
        if (header.name != name) {
          fewer.add(header.name, header.value);
        }
      }
      const auto result = check(Scheme::standard, k_whsec, fewer, k_body);
      CHECK(result.failure == VerifyFailure::missing_header);
      CHECK(result.reason == std::string("missing header ") + name);
    }
    const auto bad_time =
        check(Scheme::standard, k_whsec, with(headers, "webhook-timestamp", "soon"), k_body);
    CHECK(bad_time.failure == VerifyFailure::malformed_header);
    CHECK(bad_time.reason == "malformed webhook-timestamp header: 'soon' is not Unix seconds");
    const auto bad_sig =
        check(Scheme::standard, k_whsec, with(headers, "webhook-signature", "v1,?!?"), k_body);
    CHECK(bad_sig.failure == VerifyFailure::malformed_header);
    CHECK(says(bad_sig, "malformed webhook-signature header: v1 signature '?!?' is not base64"));
    CHECK(check(Scheme::stripe, "sk", {{"Stripe-Signature", "v1=00"}}, k_body).failure ==
          VerifyFailure::malformed_header);
    CHECK(check(Scheme::github, "sk", {{"X-Hub-Signature-256", "md5=00"}}, k_body).failure ==
          VerifyFailure::malformed_header);
    const auto sha1 = check(Scheme::github, "sk", {{"X-Hub-Signature", "sha1=00"}}, k_body);
    CHECK(sha1.failure == VerifyFailure::missing_header);
    CHECK(says(sha1, "older SHA-1 X-Hub-Signature"));
  }

  TEST_CASE("another scheme's headers are recognised") {
    const auto stripe = signed_headers(Scheme::stripe, k_whsec, k_body);
    const auto result = check(Scheme::standard, k_whsec, stripe, k_body);
    CHECK(result.failure == VerifyFailure::wrong_scheme);
    CHECK(says(result, "no webhook-signature header, but Stripe-Signature is present"));
    CHECK(says(result, "--scheme stripe"));
    const auto github =
        check(Scheme::stripe, k_whsec, signed_headers(Scheme::github, "x", k_body), k_body);
    CHECK(github.failure == VerifyFailure::wrong_scheme);
    const auto value_of_other = check(Scheme::standard, k_whsec,
                                      {{"webhook-id", "m"},
                                       {"webhook-timestamp", "1614265330"},
                                       {"webhook-signature", "t=1614265330,v1=abcd"}},
                                      k_body);
    CHECK(value_of_other.failure == VerifyFailure::wrong_scheme);
  }

  TEST_CASE("a secret in the wrong form is explained") {
    const auto headers = signed_headers(Scheme::standard, k_whsec, k_body);
    const auto raw = check(Scheme::standard, "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", headers, k_body);
    CHECK(raw.failure == VerifyFailure::wrong_secret_form);
    CHECK(says(
        raw, "the secret … (fp " +
                 Secret::parse("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", Scheme::standard).fingerprint() +
                 ") is a raw string"));
    CHECK(says(raw, "expects whsec_<base64 key>"));
    CHECK_FALSE(says(raw, "MfKQ9r8"));
    // Signed as Standard Webhooks does (decoded key), checked as GitHub (whole string): and back.
    const auto github_headers = Headers{{"X-Hub-Signature-256", "sha256=" + std::string(64, '0')}};
    CHECK(check(Scheme::github, k_whsec, github_headers, k_body).failure ==
          VerifyFailure::no_match);
    const auto keys = generate_ed25519_keys();
    const auto v1a = signed_headers(Scheme::standard, keys.secret_key, k_body);
    const auto hmac_secret_for_v1a = check(Scheme::standard, k_whsec, v1a, k_body);
    CHECK(hmac_secret_for_v1a.failure == VerifyFailure::wrong_secret_form);
    CHECK(says(hmac_secret_for_v1a, "whpk_ public key"));
    CHECK(check(Scheme::standard, keys.public_key, headers, k_body).failure ==
          VerifyFailure::wrong_secret_form);
    CHECK_THROWS_AS(signed_headers(Scheme::standard, keys.public_key, k_body), Error);
    CHECK_THROWS_AS(signed_headers(Scheme::standard, "raw", k_body), Error);
    // For github the whole string is the key, whatever it looks like: a whsk_ text too.
    const auto github = signed_headers(Scheme::github, keys.secret_key, k_body);
    CHECK(check(Scheme::github, keys.secret_key, github, k_body).valid);
  }

  TEST_CASE("stripe and github take a secret of any form: the whole string is the key") {
    for (const auto scheme : {Scheme::stripe, Scheme::github}) {
      CAPTURE(scheme_name(scheme));
      for (const std::string secret : {"whsec_test_secret", "whsec_", "whpk_Zm9v", "whsk_!"}) {
        CAPTURE(secret);
        const auto headers = signed_headers(scheme, secret, k_body);
        CHECK(check(scheme, secret, headers, k_body).valid);
        const auto expected = hex_encode(
            hmac_sha256(as_bytes(secret), {scheme == Scheme::stripe ? "1614265330." : "", k_body}));
        CHECK(headers.find(signature_header_name(scheme))->ends_with(expected));
      }
    }
  }

  TEST_CASE("a whsec_ secret used whole, or decoded, where the scheme wants the other way") {
    const auto secret = Secret::parse(k_whsec, Scheme::standard);
    // A sender that keyed Standard Webhooks with the whole string instead of the decoded bytes.
    const auto whole = hmac_sha256(secret.text_bytes(), {"msg_1.1614265330.", k_body});
    const Headers standard = {{"webhook-id", "msg_1"},
                              {"webhook-timestamp", "1614265330"},
                              {"webhook-signature", "v1," + base64_encode(whole)}};
    const auto as_whole = check(Scheme::standard, k_whsec, standard, k_body);
    CHECK(as_whole.failure == VerifyFailure::wrong_secret_form);
    CHECK(says(as_whole, "made with the whole string whsec_… (fp"));
    // A sender that keyed GitHub's scheme with the decoded bytes, as Standard Webhooks would.
    const auto decoded = hmac_sha256(secret.key(), {k_body});
    const Headers github = {{"X-Hub-Signature-256", "sha256=" + hex_encode(decoded)}};
    const auto as_decoded = check(Scheme::github, k_whsec, github, k_body);
    CHECK(as_decoded.failure == VerifyFailure::wrong_secret_form);
    CHECK(says(as_decoded, "the github scheme uses the whole string as the key"));
  }

  TEST_CASE("a body altered after signing is diagnosed") {
    const std::string signed_body =
        "{\"event\": \"link.clicked\", \"data\": {\"b\": 1, \"a\": [1, 2]}}";
    const auto headers = signed_headers(Scheme::standard, k_whsec, signed_body);
    const auto compacted = check(Scheme::standard, k_whsec, headers,
                                 R"({"event":"link.clicked","data":{"b":1,"a":[1,2]}})");
    CHECK(compacted.failure == VerifyFailure::body_altered);
    CHECK(says(compacted, "body was altered after signing"));
    CHECK(says(compacted, "Python's json.dumps"));
    const auto newline = check(Scheme::standard, k_whsec, headers, signed_body + "\n");
    CHECK(newline.failure == VerifyFailure::body_altered);
    CHECK(says(newline, "with its final newline removed"));
    const auto github = signed_headers(Scheme::github, "s", R"({"b":1,"a":2})");
    const auto pretty = check(Scheme::github, "s", github, "{\n  \"b\": 1,\n  \"a\": 2\n}\n");
    CHECK(pretty.failure == VerifyFailure::body_altered);
    CHECK(says(pretty, "compact JSON"));
  }

  TEST_CASE("svix- header names are accepted for standard") {
    const auto headers = signed_headers(Scheme::standard, k_whsec, k_body);
    Headers svix;
    for (const auto& header : headers) {
      svix.add("svix-" + header.name.substr(8), header.value);
    }
    CHECK(check(Scheme::standard, k_whsec, svix, k_body).valid);
  }

  TEST_CASE("a signature header given twice is refused, naming it, whatever its case") {
    const auto headers = signed_headers(Scheme::standard, k_whsec, k_body);
    for (const auto* name : {"webhook-id", "WEBHOOK-TIMESTAMP", "webhook-signature"}) {
      auto twice = headers;
      twice.add(name, *headers.find(name)); // the same value again, the name in any case
      const auto result = check(Scheme::standard, k_whsec, twice, k_body);
      CHECK_FALSE(result.valid);
      CHECK(result.failure == VerifyFailure::malformed_header);
      CHECK_MESSAGE(says(result, std::string("repeated header ") + name), result.reason);
    }
    for (const auto scheme : {Scheme::stripe, Scheme::github}) {
      auto twice = signed_headers(scheme, k_whsec, k_body);
      const auto first = *twice.begin();
      twice.add(first.name, first.value); // even the same valid value: which one was meant?
      const auto result = check(scheme, k_whsec, twice, k_body);
      CHECK_FALSE(result.valid);
      CHECK(says(result, "repeated header " + first.name));
    }
    const Headers svix = {{"svix-id", "a"}, {"svix-timestamp", "1"}, {"Svix-Id", "b"}};
    CHECK(says(check(Scheme::standard, k_whsec, svix, k_body), "repeated header Svix-Id"));
    // Several signatures in one webhook-signature header are the standard's way, still valid.
    auto several = with(headers, "webhook-signature",
                        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE= " +
                            *headers.find("webhook-signature"));
    CHECK(check(Scheme::standard, k_whsec, several, k_body).valid);
  }

  TEST_CASE("parse_scheme suggests the closest name") {
    CHECK(parse_scheme("github") == Scheme::github);
    CHECK_THROWS_WITH_AS(parse_scheme("strip"),
                         "unknown scheme 'strip' (did you mean 'stripe'?); the schemes are "
                         "standard, stripe and github",
                         Error);
    CHECK(failure_name(VerifyFailure::body_altered) == "body_altered");
  }
}
