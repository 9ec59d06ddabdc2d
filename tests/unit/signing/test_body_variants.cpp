#include "signing/body_variants.hpp"

#include <algorithm>
#include <doctest/doctest.h>

using namespace linkhook;

namespace {

const BodyVariant* find_body(const std::vector<BodyVariant>& variants, std::string_view body) {
  const auto it = std::find_if(variants.begin(), variants.end(),
                               [&](const BodyVariant& v) { return v.body == body; });
  return it == variants.end() ? nullptr : &*it;
}

} // namespace

TEST_SUITE("signing/body_variants") {
  TEST_CASE("JSON is re-serialised in the styles frameworks use") {
    const auto variants = body_variants("{\"b\":1,\"a\":[1,\"é\"],\"c\":{}}");
    const std::pair<std::string_view, std::string_view> expected[] = {
        {"{\"b\": 1, \"a\": [1, \"é\"], \"c\": {}}", "Python's json.dumps"},
        {"{\"a\":[1,\"é\"],\"b\":1,\"c\":{}}", "compact JSON with sorted keys"},
        {"{\"b\": 1, \"a\": [1, \"\\u00e9\"], \"c\": {}}", "non-ASCII escaped"},
        {"{\n  \"b\": 1,\n  \"a\": [\n    1,\n    \"é\"\n  ],\n  \"c\": {}\n}", "indented by 2"},
        {"{\n    \"b\": 1,\n    \"a\": [\n        1,\n        \"é\"\n    ],\n    \"c\": {}\n}\n",
         "indented by 4 spaces, with a final newline"},
    };
    for (const auto& [body, description] : expected) {
      const auto* variant = find_body(variants, body);
      REQUIRE_MESSAGE(variant != nullptr, body);
      CHECK(variant->description.find(description) != std::string::npos);
    }
    CHECK(find_body(variants, "{\"b\":1,\"a\":[1,\"é\"],\"c\":{}}") == nullptr); // the body itself
  }

  TEST_CASE("a final newline is added or removed, for any body") {
    CHECK(find_body(body_variants("plain text"), "plain text\n") != nullptr);
    CHECK(find_body(body_variants("plain text\r\n"), "plain text") != nullptr);
    CHECK(body_variants("not json").size() == 1);
  }

  TEST_CASE("deeply nested JSON is not re-serialised") {
    const std::string deep = std::string(100000, '[') + std::string(100000, ']');
    CHECK(body_variants(deep).size() == 1);
  }
}
