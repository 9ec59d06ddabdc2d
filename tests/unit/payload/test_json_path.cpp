#include "base/error.hpp"
#include "payload/json_path.hpp"

#include <doctest/doctest.h>

using namespace linkhook;
using Json = nlohmann::ordered_json;

TEST_SUITE("payload/json_path") {
  TEST_CASE("parse_assignment: JSON when valid, else a string") {
    auto a = parse_assignment("data.link.title=Hi");
    CHECK(a.path == std::vector<std::string>{"data", "link", "title"});
    CHECK(a.value == "Hi");
    CHECK(parse_assignment("x=42").value == 42);
    CHECK(parse_assignment("x=\"42\"").value == "42");
    CHECK(parse_assignment("x=true").value == true);
    CHECK(parse_assignment("x=null").value.is_null());
    CHECK(parse_assignment("x={\"a\":[1,2]}").value == Json::parse(R"({"a":[1,2]})"));
    CHECK(parse_assignment("x=").value == "");
    CHECK(parse_assignment("x=a=b").value == "a=b");
    CHECK(parse_assignment("x={broken").value == "{broken");
  }

  TEST_CASE("parse_assignment rejects a missing '=' and empty segments") {
    for (const char* text : {"data.link.title", "=1", ".a=1", "a..b=1", "a.=1"}) {
      CHECK_THROWS_AS_MESSAGE(parse_assignment(text), Error, text);
    }
  }

  TEST_CASE("parse_assignment rejects a path that is not UTF-8") {
    // Found by tests/fuzz/fuzz_json_path: keys "\xa6\xa6" and "\xa6\xa4" were both written as
    // U+FFFD U+FFFD, a payload with one key twice.
    CHECK_THROWS_AS(parse_assignment("data.\xa6\xa6=1"), Error);
    CHECK_THROWS_AS(parse_assignment("\xff=1", "--filter"), Error);
    CHECK(parse_assignment("data.caf\xc3\xa9=\xff").path.back() == "caf\xc3\xa9");
  }

  TEST_CASE("parse_assignment bounds the nesting of the path and of the value") {
    const auto path_of = [](std::size_t levels) {
      std::string path = "a";
      for (std::size_t i = 1; i < levels; ++i) {
        path += ".a";
      }
      return path;
    };
    const auto nested = [](std::size_t levels) {
      return std::string(levels, '[') + std::string(levels, ']');
    };
    CHECK(parse_assignment(path_of(64) + "=" + nested(64)).path.size() == 64);
    CHECK_THROWS_WITH(parse_assignment(path_of(20000) + "=1"),
                      "--set: the path has 20000 levels; linkhook takes at most 64");
    CHECK_THROWS_WITH(parse_assignment("data.x=" + nested(20000), "--filter"),
                      "--filter data.x=...: the value nests 20000 levels deep; linkhook takes at "
                      "most 64");
    // Not JSON, so a string: brackets inside it nest nothing.
    CHECK(parse_assignment("x=" + std::string(20000, '[')).value.is_string());
  }

  TEST_CASE("value_at, holds and nearest_path") {
    const auto doc = Json::parse(
        R"({"event":"qr.scanned","data":{"qr_code":{"id":"q"},"click":{"country":"DE"},)"
        R"("tags":["a"],"none":null,"link":{"id":"l"},"clicks":1000,"postcode":"123"}})");
    REQUIRE(value_at(doc, {"data", "qr_code", "id"}) != nullptr);
    CHECK(*value_at(doc, {"data", "qr_code", "id"}) == "q");
    CHECK(*value_at(doc, {"data", "tags", "0"}) == "a");
    CHECK(value_at(doc, {"data", "tags", "1"}) == nullptr);
    CHECK(value_at(doc, {"data", "none"}) == nullptr);
    CHECK(value_at(doc, {"data", "qr", "id"}) == nullptr);
    CHECK(holds(doc, parse_assignment("data.click.country=DE")));
    CHECK_FALSE(holds(doc, parse_assignment("data.click.country=US")));
    CHECK(holds(doc, parse_assignment("data.clicks=1000")));
    CHECK(holds(doc, parse_assignment("data.clicks=1000.0")));         // equal as numbers
    CHECK(holds(doc, parse_assignment("data.postcode=123")));          // the string's text
    CHECK_FALSE(holds(doc, parse_assignment("data.clicks=\"1000\""))); // a string is not the number
    CHECK(holds(doc, parse_assignment(R"(data.tags=["a"])")));
    CHECK_FALSE(holds(doc, parse_assignment("data.none=null"))); // null is no value
    CHECK_FALSE(holds(doc, parse_assignment("data.missing=1")));
    CHECK(nearest_path(doc, {"data", "qr", "id"}) == "data.qr_code.id");
    CHECK(nearest_path(doc, {"data", "clik", "country"}) == "data.click.country");
    CHECK(nearest_path(doc, {"evnt"}) == "event");
    CHECK(nearest_path(doc, {"data", "country"}) == "data.click.country"); // under a wrong parent
    CHECK(nearest_path(doc, {"data", "id"}) == std::nullopt);              // two paths end in id
    CHECK(nearest_path(doc, {"data", "zzzzzzzz"}) == std::nullopt);
  }

  TEST_CASE("apply_assignment overrides, creates missing objects and indexes arrays") {
    auto doc = Json::parse(R"({"data":{"link":{"title":"a"},"tags":["x","y"],"none":null}})");
    apply_assignment(doc, parse_assignment("data.link.title=b"));
    apply_assignment(doc, parse_assignment("data.new.deep.value=1"));
    apply_assignment(doc, parse_assignment("data.tags.1=z"));
    apply_assignment(doc, parse_assignment("data.none.k=v"));
    CHECK(doc == Json::parse(R"({"data":{"link":{"title":"b"},"tags":["x","z"],
                                 "none":{"k":"v"},"new":{"deep":{"value":1}}}})"));
    CHECK(doc["data"].begin().key() == "link"); // existing keys keep their order
  }

  TEST_CASE("apply_assignment refuses to go through a value that is not a container") {
    auto doc = Json::parse(R"({"data":{"title":"a","tags":["x"]}})");
    CHECK_THROWS_WITH_AS(apply_assignment(doc, parse_assignment("data.title.x=1")),
                         "--set data.title.x: data.title is a string, not an object", Error);
    CHECK_THROWS_AS(apply_assignment(doc, parse_assignment("data.tags.5=1")), Error);
    CHECK_THROWS_AS(apply_assignment(doc, parse_assignment("data.tags.name=1")), Error);
  }
}
