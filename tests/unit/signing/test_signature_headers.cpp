#include "signing/signature_headers.hpp"

#include <doctest/doctest.h>
#include <string>
#include <vector>

using namespace linkhook;

namespace {

const std::string k_b64_32 = "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="; // 32 bytes
const std::string k_hex_32(64, 'a');

bool mentions(const std::string& error, std::string_view what) {
  return error.find(what) != std::string::npos;
}

} // namespace

TEST_SUITE("signing/signature_headers") {
  TEST_CASE("standard: several entries, unknown versions skipped, one good entry is enough") {
    const auto parsed =
        parse_standard_signatures("v1,bad! v2,xyz  v1," + k_b64_32 + " v1," + k_b64_32);
    CHECK(parsed.error.empty());
    CHECK(parsed.v1.size() == 2);
    CHECK(parsed.v1[0].size() == 32);
    CHECK(parsed.v1a.empty());
  }

  TEST_CASE("standard: every malformed kind is reported with what was expected") {
    const std::pair<std::string, std::string_view> cases[] = {
        {"", "it is empty"},
        {"   ", "it is empty"},
        {"v1", "entry 'v1' has no ','"},
        {"v1,", "v1 signature is 0 bytes long; expected 32"},
        {"v1,!!!!", "'!!!!' is not base64"},
        {"v1,Zm9v", "v1 signature is 3 bytes long; expected 32"},
        {"v1a," + k_b64_32, "v1a signature is 32 bytes long; expected 64"},
        {"v2,abc", "has no v1 or v1a entry"},
        {"t=1,v1=ab", "has no v1 or v1a entry"},
    };
    for (const auto& [value, expected] : cases) {
      const auto parsed = parse_standard_signatures(value);
      CHECK_MESSAGE(mentions(parsed.error, expected), value, " -> ", parsed.error);
      CHECK(mentions(parsed.error, "expected 'v1,<base64 signature>'"));
    }
  }

  TEST_CASE("stripe: t and several v1, other keys ignored") {
    const auto parsed =
        parse_stripe_signatures("t=1614265330,v1=" + k_hex_32 + ",v0=zz,v1=" + k_hex_32);
    CHECK(parsed.error.empty());
    CHECK(parsed.timestamp == 1614265330);
    CHECK(parsed.v1.size() == 2);
  }

  TEST_CASE("stripe: malformed kinds") {
    const std::pair<std::string, std::string_view> cases[] = {
        {"", "no t=<unix seconds>"},
        {"v1=" + k_hex_32, "no t=<unix seconds>"},
        {"t=1614265330", "no v1=<hex signature>"},
        {"t=yesterday,v1=" + k_hex_32, "t='yesterday' is not Unix seconds"},
        {"t=-5,v1=" + k_hex_32, "is not Unix seconds"},
        {"t=1,v1=xyz", "'xyz' is not hex"},
        {"t=1,v1=abcd", "2 bytes long; expected 32"},
        {"v1," + k_hex_32, "entry 'v1' has no '='"},
    };
    for (const auto& [value, expected] : cases) {
      const auto parsed = parse_stripe_signatures(value);
      CHECK_MESSAGE(mentions(parsed.error, expected), value, " -> ", parsed.error);
      CHECK(mentions(parsed.error, "expected 't=<unix seconds>,v1=<hex HMAC-SHA256>'"));
    }
  }

  TEST_CASE("github: sha256=<64 hex> only") {
    CHECK(parse_github_signature("sha256=" + k_hex_32).error.empty());
    CHECK(parse_github_signature("sha256=" + k_hex_32).sha256.size() == 32);
    for (const std::string& value :
         std::vector<std::string>{"", "sha1=abcd", "sha256=", "sha256=xyz", k_hex_32}) {
      const auto parsed = parse_github_signature(value);
      CHECK_MESSAGE(mentions(parsed.error, "expected 'sha256=<64 hex digits>'"), value);
      CHECK(parsed.sha256.empty());
    }
  }

  TEST_CASE("parse_unix_seconds takes digits only and cannot overflow") {
    CHECK(parse_unix_seconds("1614265330") == 1614265330);
    CHECK(parse_unix_seconds("0") == 0);
    for (const std::string_view bad :
         {"", "-1", "+1", "1.5", " 1", "1e9", "99999999999999999999"}) {
      CHECK_MESSAGE(!parse_unix_seconds(bad), bad);
    }
  }

  TEST_CASE("arbitrary bytes never throw, messages stay on one line") {
    std::string junk;
    for (int i = 0; i < 256; ++i) {
      junk += static_cast<char>(i);
    }
    junk += "\nv1,";
    CHECK_NOTHROW(parse_standard_signatures(junk));
    CHECK_NOTHROW(parse_stripe_signatures(junk));
    CHECK_NOTHROW(parse_github_signature(junk));
    CHECK(parse_standard_signatures(junk).error.find('\n') == std::string::npos);
    CHECK(shorten("a\nb\x01") == "a?b?");
    CHECK(shorten(std::string(30, 'x'), 4) == "xxxx…");
  }
}
