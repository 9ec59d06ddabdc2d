#include "base/encoding.hpp"

#include <doctest/doctest.h>

using namespace linkhook;

namespace {

std::string text_of(const std::optional<Bytes>& bytes) {
  REQUIRE(bytes.has_value());
  return {bytes->begin(), bytes->end()};
}

} // namespace

TEST_SUITE("base/encoding") {
  TEST_CASE("base64 matches the RFC 4648 test vectors both ways") {
    const std::pair<std::string_view, std::string_view> vectors[] = {{"", ""},
                                                                     {"f", "Zg=="},
                                                                     {"fo", "Zm8="},
                                                                     {"foo", "Zm9v"},
                                                                     {"foob", "Zm9vYg=="},
                                                                     {"fooba", "Zm9vYmE="},
                                                                     {"foobar", "Zm9vYmFy"}};
    for (const auto& [plain, encoded] : vectors) {
      CHECK(base64_encode(as_bytes(plain)) == encoded);
      CHECK(text_of(base64_decode(encoded)) == plain);
    }
    CHECK(text_of(base64_decode("Zm8")) == "fo"); // padding may be left out
  }

  TEST_CASE("the append forms add to what a string holds") {
    std::string out = "v1,";
    base64_append(out, as_bytes("foob"));
    CHECK(out == "v1,Zm9vYg==");
    out = "sha256=";
    hex_append(out, Bytes{0x00, 0xab});
    CHECK(out == "sha256=00ab");
  }

  TEST_CASE("base64_decode refuses what no encoder writes") {
    for (const std::string_view bad : {"Zm9v!", "Z", "Zm9vY", "Zg=", "Z===", "Zm 9v", "-_8="}) {
      CHECK_MESSAGE(!base64_decode(bad), bad);
    }
  }

  TEST_CASE("hex round trip, either case in, lower case out") {
    const Bytes bytes = {0x00, 0x7f, 0xab, 0xff};
    CHECK(hex_encode(bytes) == "007fabff");
    CHECK(hex_decode("007FabFF") == bytes);
    CHECK(!hex_decode("abc"));
    CHECK(!hex_decode("zz"));
    CHECK(hex_decode("")->empty());
  }
}
