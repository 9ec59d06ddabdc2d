#include "base/crc32.hpp"
#include "base/encoding.hpp"
#include "base/error.hpp"
#include "base/text.hpp"
#include "store/json.hpp"
#include "store/record.hpp"

#include <doctest/doctest.h>

using namespace linkhook;

namespace {

// Every byte value, NUL and invalid UTF-8 included.
std::string all_bytes() {
  std::string bytes;
  for (int i = 0; i < 256; ++i) {
    bytes.push_back(static_cast<char>(i));
  }
  return bytes;
}

StoreRecord full_record() {
  StoreRecord record;
  record.id = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";
  record.kind = RecordKind::attempts;
  record.event = "link.clicked";
  record.time_ms = 1760869800123;
  record.headers = {{"webhook-id", "msg_1"}, {"X-Twice", "a"}, {"x-twice", "b"}, {"Empty", ""}};
  record.body = all_bytes();
  record.verdict = {.verified = true, .duplicate = true, .status = 503, .reason = "gave up"};
  record.ref = "msg_original";
  record.extra = {{"attempts", {{{"at_s", 0}, {"status", 503}}, {{"at_s", 5}, {"status", 503}}}}};
  return record;
}

} // namespace

TEST_SUITE("store/record") {
  TEST_CASE("crc32 matches the standard check value") {
    CHECK(crc32("123456789") == 0xcbf43926U);
    CHECK(crc32("") == 0U);
    CHECK(crc32("56789", crc32("1234")) == crc32("123456789"));
    // Eight bytes at a time, then the rest one by one: the same as one byte at a time throughout.
    std::string data;
    for (int i = 0; i < 1000; ++i) {
      data.push_back(static_cast<char>((i * 131 + 7) & 0xff));
    }
    for (const std::size_t length :
         {std::size_t{8}, std::size_t{9}, std::size_t{15}, data.size()}) {
      std::uint32_t bytewise = 0;
      for (std::size_t i = 0; i < length; ++i) {
        bytewise = crc32(std::string_view(data).substr(i, 1), bytewise);
      }
      CHECK(crc32(std::string_view(data).substr(0, length)) == bytewise);
    }
  }

  TEST_CASE("is_valid_utf8") {
    CHECK(is_valid_utf8("plain ascii"));
    CHECK(is_valid_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
    CHECK(is_valid_utf8(std::string("a\0b", 3)));
    CHECK_FALSE(is_valid_utf8("\xff"));
    CHECK_FALSE(is_valid_utf8("\xc3"));             // truncated
    CHECK_FALSE(is_valid_utf8("\xc0\xaf"));         // overlong
    CHECK_FALSE(is_valid_utf8("\xed\xa0\x80"));     // surrogate
    CHECK_FALSE(is_valid_utf8("\xf4\x90\x80\x80")); // above U+10FFFF
  }

  TEST_CASE("binary encoding round-trips every field, binary body included") {
    const auto record = full_record();
    const auto decoded = decode_record(encode_record(record));
    REQUIRE(decoded);
    CHECK(*decoded == record);
    StoreRecord empty;
    CHECK(decode_record(encode_record(empty)) == empty);
  }

  TEST_CASE(
      "decoding a cut payload fails instead of inventing fields, and later fields are ignored") {
    const auto payload = encode_record(full_record());
    for (std::size_t size = 0; size < payload.size(); ++size) {
      CHECK_FALSE(decode_record(payload.substr(0, size)));
    }
    CHECK(decode_record(payload + "future field") == full_record());
  }

  TEST_CASE("a summary decoding has every field but the headers, the body and extra") {
    auto expected = full_record();
    const auto payload = encode_record(expected);
    expected.headers.clear();
    expected.body.clear();
    expected.extra = nullptr;
    CHECK(decode_record(payload, RecordParts::summary) == expected);
    for (std::size_t size = 0; size < payload.size(); ++size) {
      CHECK_FALSE(decode_record(payload.substr(0, size), RecordParts::summary));
    }
  }

  TEST_CASE("JSON form round-trips every field, with non-UTF-8 bytes in base64") {
    auto record = full_record();
    record.headers.push_back({"X-Raw", "\xff\xfe"});
    const auto json = record_to_json(record);
    CHECK(json.contains("body_base64"));
    CHECK_FALSE(json.contains("body"));
    CHECK(json["sent_at"] == "2025-10-19T10:30:00.123Z");
    CHECK(json["headers"][4][1]["base64"] == "//4=");
    const auto text = json_line(json);
    CHECK(record_from_json(nlohmann::ordered_json::parse(text)) == record);

    record.body = "{\"event\":\"qr.scanned\"}";
    record.kind = RecordKind::received;
    const auto utf8 = record_to_json(record);
    CHECK(utf8["body"] == record.body);
    CHECK(utf8["received_at"] == "2025-10-19T10:30:00.123Z");
    CHECK(record_from_json(utf8) == record);
    auto old_form = utf8; // linkhook wrote Unix milliseconds before
    old_form["received_at"] = 1760869800123;
    CHECK(record_from_json(old_form) == record);
  }

  TEST_CASE("JSON form keeps non-UTF-8 bytes of every text field") {
    // Found by tests/fuzz/fuzz_store_records: a reason quoting a hostile header (or cut inside a
    // UTF-8 sequence) came back from an export with U+FFFD in place of its bytes.
    auto record = full_record();
    record.id = "id\xff";
    record.event = "link.\xe9";
    record.verdict.reason = "'sha256=\xc3' is not hex";
    record.ref = "ref\xfe";
    const auto json = record_to_json(record);
    CHECK(json["reason"]["base64"] == base64_encode(as_bytes(record.verdict.reason)));
    CHECK(record_from_json(nlohmann::ordered_json::parse(json_line(json))) == record);
    CHECK(record_summary_json(record)["reason"].is_string()); // for reading, as before
  }

  TEST_CASE("base64 bodies of every length round-trip") {
    for (std::size_t size = 0; size < 8; ++size) {
      StoreRecord record;
      record.id = "x";
      record.body = std::string(size, '\xff');
      CHECK(record_from_json(record_to_json(record)).body == record.body);
    }
  }

  TEST_CASE("record_from_json names the bad field") {
    const auto bad = [](const char* text) {
      try {
        record_from_json(nlohmann::ordered_json::parse(text));
      } catch (const Error& e) {
        return std::string(e.what());
      }
      return std::string("no error");
    };
    CHECK(bad(R"({"kind":"received"})").find("'id'") != std::string::npos);
    CHECK(bad(R"({"id":"a","kind":"lost"})").find("'kind'") != std::string::npos);
    CHECK(bad(R"({"id":"a","kind":"sent","status":"200"})").find("'status'") != std::string::npos);
    CHECK(bad(R"({"id":"a","kind":"sent","body_base64":"!!"})").find("'body_base64'") !=
          std::string::npos);
    CHECK(bad(R"({"id":"a","kind":"sent","headers":[["a"]]})").find("'headers'") !=
          std::string::npos);
    CHECK(bad("[]").find("object") != std::string::npos);
  }

  TEST_CASE("record ids: webhook-id when it is a plain token, else a fresh rec_ id") {
    CHECK(received_record_id({{"Webhook-Id", "msg_abc"}}) == "msg_abc");
    const auto fresh = received_record_id({{"webhook-id", "has space"}});
    CHECK(fresh.starts_with("rec_"));
    CHECK(fresh.size() == 28);
    CHECK(received_record_id({}) != received_record_id({}));
    CHECK(fresh_record_id("att_").starts_with("att_"));
  }

  TEST_CASE("verdict_name") {
    StoreRecord record;
    CHECK(verdict_name(record) == "rejected");
    record.verdict.verified = true;
    CHECK(verdict_name(record) == "verified");
    record.verdict.duplicate = true;
    CHECK(verdict_name(record) == "duplicate");
    record.kind = RecordKind::sent;
    record.verdict.status = 204;
    CHECK(verdict_name(record) == "delivered");
    record.verdict.status = 0;
    CHECK(verdict_name(record) == "failed");
  }
}
