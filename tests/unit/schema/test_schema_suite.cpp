// valijson, which `validate` and `listen --validate` use, against the JSON Schema Test Suite
// (Debian's json-schema-test-suite), draft-07, for every keyword linkhook's schemas use.
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

namespace {

const std::filesystem::path k_suite = "/usr/share/json-schema-test-suite/tests/draft7";

} // namespace

TEST_SUITE("schema/suite") {
  TEST_CASE("valijson passes the JSON Schema Test Suite for the keywords the schemas use") {
    REQUIRE_MESSAGE(std::filesystem::is_directory(k_suite), k_suite.string(),
                    " is missing: apt-get install json-schema-test-suite");
    std::size_t checked = 0;
    for (const auto* keyword : {"type", "properties", "required", "enum", "const", "pattern",
                                "minimum", "maximum", "minLength", "items", "anyOf"}) {
      std::ifstream in(k_suite / (std::string(keyword) + ".json"));
      REQUIRE_MESSAGE(in, keyword);
      const auto groups = nlohmann::json::parse(in);
      for (const auto& group : groups) {
        valijson::Schema schema;
        valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
        parser.populateSchema(valijson::adapters::NlohmannJsonAdapter(group["schema"]), schema);
        valijson::Validator validator;
        for (const auto& test : group["tests"]) {
          const bool valid = validator.validate(
              schema, valijson::adapters::NlohmannJsonAdapter(test["data"]), nullptr);
          CHECK_MESSAGE(valid == test["valid"].get<bool>(), keyword, ": ",
                        group["description"].get<std::string>(), ": ",
                        test["description"].get<std::string>());
          ++checked;
        }
      }
    }
    CHECK(checked > 150);
  }
}
