// The two validators of `validate` and `listen --validate` against the JSON Schema Test Suite
// (Debian's json-schema-test-suite), for every keyword linkhook's schemas use: valijson, which
// names violations, with draft-07; RapidJSON, which decides, with draft-04, the draft it reads
// (linkhook gives it a "const" as a one-value "enum").
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <rapidjson/document.h>
#include <rapidjson/reader.h>
#include <rapidjson/schema.h>
#include <rapidjson/stringbuffer.h>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

namespace {

const std::filesystem::path k_suites = "/usr/share/json-schema-test-suite/tests";
const std::filesystem::path k_suite = k_suites / "draft7";

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

  TEST_CASE("RapidJSON passes the JSON Schema Test Suite (draft-04) for the keywords used") {
    const auto suite = k_suites / "draft4";
    REQUIRE_MESSAGE(std::filesystem::is_directory(suite), suite.string(),
                    " is missing: apt-get install json-schema-test-suite");
    std::size_t checked = 0;
    for (const auto* keyword : {"type", "properties", "required", "enum", "pattern", "minimum",
                                "maximum", "minLength", "items", "anyOf"}) {
      std::ifstream in(suite / (std::string(keyword) + ".json"));
      REQUIRE_MESSAGE(in, keyword);
      const auto groups = nlohmann::json::parse(in);
      for (const auto& group : groups) {
        rapidjson::Document document;
        document.Parse(group["schema"].dump().c_str());
        const rapidjson::SchemaDocument schema(document);
        for (const auto& test : group["tests"]) {
          rapidjson::SchemaValidator validator(schema);
          const auto data = test["data"].dump();
          rapidjson::StringStream input(data.c_str());
          rapidjson::Reader reader;
          const bool read = !reader.Parse(input, validator).IsError();
          CHECK_MESSAGE(read == validator.IsValid(), keyword, ": ", data); // only the schema fails
          CHECK_MESSAGE(validator.IsValid() == test["valid"].get<bool>(), keyword, ": ",
                        group["description"].get<std::string>(), ": ",
                        test["description"].get<std::string>());
          ++checked;
        }
      }
    }
    CHECK(checked > 100);
  }
}
