#include "base/timestamp.hpp"

#include <doctest/doctest.h>

using namespace linkhook;

TEST_SUITE("base/timestamp") {
  TEST_CASE("format_iso8601") {
    CHECK(format_iso8601(0) == "1970-01-01T00:00:00Z");
    CHECK(format_iso8601(1760869800) == "2025-10-19T10:30:00Z");
    CHECK(format_iso8601(951782400) == "2000-02-29T00:00:00Z");
    CHECK(format_iso8601(253402300799) == "9999-12-31T23:59:59Z");
  }

  TEST_CASE("parse_timestamp accepts ISO-8601 forms and Unix seconds") {
    CHECK(parse_timestamp("2025-10-19T10:30:00Z") == 1760869800);
    CHECK(parse_timestamp("2025-10-19 10:30:00Z") == 1760869800);
    CHECK(parse_timestamp("2025-10-19T10:30:00.123Z") == 1760869800);
    CHECK(parse_timestamp("2025-10-19T12:30:00+02:00") == 1760869800);
    CHECK(parse_timestamp("2025-10-19T05:30:00-05:00") == 1760869800);
    CHECK(parse_timestamp("1760869800") == 1760869800);
    CHECK(parse_timestamp("2024-02-29T00:00:00Z").has_value());
  }

  TEST_CASE("parse_timestamp rejects what is not a time") {
    for (const char* text :
         {"", "yesterday", "2025-10-19", "2025-10-19T10:30:00", "2025-13-01T00:00:00Z",
          "2025-02-30T00:00:00Z", "2023-02-29T00:00:00Z", "2025-10-19T24:00:00Z",
          "2025-10-19T10:30:00Zjunk", "2025-10-19T10:30Z", "-5", "12x", "2025-10-19T10:30:00.Z",
          "2025-10-19T10:30:00+2:00"}) {
      CHECK_MESSAGE(!parse_timestamp(text).has_value(), text);
    }
  }

  TEST_CASE("parse_timestamp refuses times format_iso8601 cannot write: before 1970, after 9999") {
    CHECK(parse_timestamp("253402300799") == k_max_timestamp);
    CHECK(parse_timestamp("9999-12-31T23:59:59Z") == k_max_timestamp);
    CHECK(parse_timestamp("0") == 0);
    CHECK(parse_timestamp("1970-01-01T00:00:00Z") == 0);
    for (const char* text :
         {"253402300800", "99999999999999", "9223372036854775807", "99999999999999999999",
          "9999-12-31T23:59:59-00:01", "1969-12-31T23:59:59Z", "1970-01-01T00:00:00+00:01",
          "0000-01-01T00:00:00Z"}) {
      CHECK_MESSAGE(!parse_timestamp(text).has_value(), text);
    }
  }

  TEST_CASE("format and parse are inverse") {
    for (UnixSeconds t :
         {UnixSeconds{0}, UnixSeconds{86399}, UnixSeconds{1614265330}, UnixSeconds{4102444800}}) {
      CHECK(parse_timestamp(format_iso8601(t)) == t);
    }
  }

  TEST_CASE("a time out of range is written as such, and never read back as a time") {
    CHECK(format_iso8601(-1) == "out-of-range:-1s");
    CHECK(format_iso8601(k_max_timestamp + 1) == "out-of-range:253402300800s");
    CHECK(format_iso8601_ms(-1) == "out-of-range:-1ms");
    CHECK(format_iso8601_ms(k_max_timestamp_ms + 1) == "out-of-range:253402300800000ms");
    CHECK_FALSE(parse_timestamp_ms(format_iso8601_ms(-1)));
    CHECK_FALSE(parse_timestamp(format_iso8601(-1)));
  }

  TEST_CASE("parse_time_ms takes ISO-8601 with its milliseconds, or Unix seconds") {
    CHECK(parse_time_ms("2025-10-19T10:30:00.123Z") == 1760869800123);
    CHECK(parse_time_ms("1760869800") == 1760869800000);
    CHECK_FALSE(parse_time_ms("yesterday"));
    CHECK_FALSE(parse_time_ms(""));
    CHECK_FALSE(parse_time_ms("-5"));
  }

  TEST_CASE("milliseconds: format_iso8601_ms and parse_timestamp_ms are inverse, in range") {
    CHECK(format_iso8601_ms(1760869800123) == "2025-10-19T10:30:00.123Z");
    CHECK(format_iso8601_ms(0) == "1970-01-01T00:00:00.000Z");
    CHECK(format_iso8601_ms(k_max_timestamp_ms) == "9999-12-31T23:59:59.999Z");
    for (const std::int64_t ms :
         {std::int64_t{0}, std::int64_t{7}, std::int64_t{1760869800123}, k_max_timestamp_ms}) {
      CHECK(parse_timestamp_ms(format_iso8601_ms(ms)) == ms);
    }
    CHECK(parse_timestamp_ms("2025-10-19T10:30:00.5Z") == 1760869800500);
    CHECK(parse_timestamp_ms("2025-10-19T10:30:00.12345Z") == 1760869800123);
    CHECK(parse_timestamp_ms("2025-10-19T12:30:00.123+02:00") == 1760869800123);
    CHECK(parse_timestamp("2025-10-19T10:30:00.999Z") == 1760869800);
    for (const char* text : {"1760869800123", "1969-12-31T23:59:59.999Z", "10000-01-01T00:00:00Z",
                             "2025-10-19T10:30:00.Z"}) {
      CHECK_MESSAGE(!parse_timestamp_ms(text).has_value(), text);
    }
  }
}
