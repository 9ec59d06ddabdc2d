#include "store/record_diff.hpp"

#include <doctest/doctest.h>

using namespace linkhook;
using Json = nlohmann::ordered_json;

namespace {

StoreRecord with(std::string body, std::vector<Header> headers = {{"webhook-id", "msg_1"}}) {
  StoreRecord record;
  record.id = "msg_1";
  record.headers = std::move(headers);
  record.body = std::move(body);
  return record;
}

} // namespace

TEST_SUITE("store/record diff") {
  TEST_CASE("identical records have no change") {
    const auto a = with(R"({"a":1})");
    const auto diff = diff_records(a, a);
    CHECK(diff.identical());
    CHECK(describe_diff(diff) == "identical: the same headers and body\n");
    CHECK(diff_json(diff)["identical"] == true);
  }

  TEST_CASE("headers are compared by name, whatever their case, repeated ones as one") {
    const auto a =
        with("", {{"webhook-id", "msg_1"}, {"X-Twice", "a"}, {"x-twice", "b"}, {"X-Gone", "1"}});
    const auto b = with("", {{"Webhook-Id", "msg_1"}, {"X-Twice", "a, c"}, {"X-New", "2"}});
    const auto diff = diff_records(a, b);
    REQUIRE(diff.headers.size() == 3);
    CHECK(diff.headers[0].name == "X-Twice");
    CHECK(diff.headers[0].a == "a, b");
    CHECK(diff.headers[0].b == "a, c");
    CHECK(diff.headers[1].name == "X-Gone");
    CHECK_FALSE(diff.headers[1].b);
    CHECK(diff.headers[2].name == "X-New");
    CHECK_FALSE(diff.headers[2].a);
    CHECK(diff.fields.empty());
    CHECK_FALSE(diff.bytes);
  }

  TEST_CASE("JSON bodies are compared field by field, as paths, key order aside") {
    const auto a = with(R"({"n":1,"list":[1,2,3],"o":{"x":"same","y":"old"},"gone":null})");
    const auto b = with(R"({"o":{"y":"new","x":"same"},"list":[1,5],"n":1.0,"added":[true]})");
    const auto diff = diff_records(a, b);
    CHECK(diff.headers.empty());
    std::vector<std::string> paths;
    for (const auto& change : diff.fields) {
      paths.push_back(change.path);
    }
    // 1 and 1.0 are the same number: not a change.
    CHECK(paths == std::vector<std::string>{"list[1]", "list[2]", "o.y", "gone", "added"});
    CHECK(diff.fields[0].a == Json(2));
    CHECK(diff.fields[0].b == Json(5));
    CHECK_FALSE(diff.fields[1].b);
    CHECK(diff.fields[3].a == Json(nullptr)); // a null value is there, unlike a missing one
    CHECK_FALSE(diff.fields[3].b);
    const auto text = describe_diff(diff);
    CHECK(text.find("  ~ o.y: \"old\" -> \"new\"\n") != std::string::npos);
    CHECK(text.find("  + added: [true]\n") != std::string::npos);
    CHECK(text.find("  - list[2]: 3\n") != std::string::npos);
    const auto json = diff_json(diff);
    CHECK(json["body"][2] == Json{{"path", "o.y"}, {"a", "old"}, {"b", "new"}});
    CHECK(json["body"][4]["a"].is_null());
  }

  TEST_CASE("bodies that are not both JSON are compared as bytes: the range that differs") {
    const std::string a("\x00\x01\x02\xff\xfe tail", 10);
    const std::string b("\x00\x01\x09\x09\x09\xfe tail", 11);
    const auto diff = diff_records(with(a), with(b));
    REQUIRE(diff.bytes);
    CHECK(diff.bytes->from == 2);
    CHECK(diff.bytes->a_end == 4);
    CHECK(diff.bytes->b_end == 5);
    CHECK(
        describe_diff(diff).find("bytes 2-4 of A (2 bytes) differ from bytes 2-5 of B (3 bytes)") !=
        std::string::npos);
    CHECK(diff_json(diff)["body"]["bytes"] == Json{{"from", 2}, {"a_end", 4}, {"b_end", 5}});
    // JSON against text that is not: bytes too. A prefix: the rest of the longer one differs.
    const auto prefix = diff_records(with("{}"), with("{} and more"));
    REQUIRE(prefix.bytes);
    CHECK(prefix.bytes->from == 2);
    CHECK(prefix.bytes->a_end == 2);
    CHECK(prefix.bytes->b_end == 11);
  }
}
