#include "base/error.hpp"
#include "delivery/retry_schedule.hpp"

#include <doctest/doctest.h>

using namespace linkhook;
using namespace std::chrono_literals;

TEST_SUITE("delivery/retry_schedule") {
  TEST_CASE("durations with units, combined, or bare seconds") {
    CHECK(parse_duration("0") == 0ms);
    CHECK(parse_duration("5s") == 5s);
    CHECK(parse_duration("1.5") == 1500ms);
    CHECK(parse_duration("500ms") == 500ms);
    CHECK(parse_duration("1m30s") == 90s);
    CHECK(parse_duration("2h") == 2h);
    CHECK(!parse_duration(""));
    CHECK(!parse_duration("5x"));
    CHECK(!parse_duration("-1s"));
    CHECK(!parse_duration("5s5"));
    CHECK(!parse_duration("s"));
  }

  TEST_CASE("durations print as the offsets users read") {
    CHECK(format_duration(0ms) == "0s");
    CHECK(format_duration(5s) == "5s");
    CHECK(format_duration(1500ms) == "1.5s");
    CHECK(format_duration(5min) == "5m0s");
    CHECK(format_duration(2h + 30s) == "2h0m30s");
  }

  TEST_CASE("standard is the Standard Webhooks schedule, its last wait repeating") {
    const auto schedule = RetrySchedule::parse("standard", 1);
    const Milliseconds expected[] = {0s, 5s, 5min, 30min, 2h, 5h, 10h, 10h};
    for (std::size_t i = 0; i < 8; ++i) {
      CHECK(schedule.wait_before(i) == expected[i]);
    }
    CHECK(schedule.wait_before(20) == 10h);
    CHECK(schedule.length() == 8u);
  }

  TEST_CASE("a LIST gives its waits in order") {
    const auto schedule = RetrySchedule::parse("0,5s,1m", 1);
    CHECK(schedule.wait_before(0) == 0s);
    CHECK(schedule.wait_before(1) == 5s);
    CHECK(schedule.wait_before(2) == 1min);
    CHECK(schedule.wait_before(3) == 1min);
    CHECK(schedule.length() == 3u);
  }

  TEST_CASE("a malformed schedule is a usage error naming the bad item") {
    CHECK_THROWS_WITH_AS(RetrySchedule::parse("0,soon", 1), doctest::Contains("'soon'"), Error);
    CHECK_THROWS_AS(RetrySchedule::parse("", 1), Error);
    CHECK_THROWS_AS(RetrySchedule::parse("0,", 1), Error);
  }

  TEST_CASE("exponential doubles from 1s with full jitter fixed by the seed") {
    const auto schedule = RetrySchedule::exponential(42);
    CHECK(!schedule.length());
    CHECK(schedule.wait_before(0) == 0s);
    Milliseconds ceiling = 1s;
    for (std::size_t attempt = 1; attempt < 40; ++attempt) {
      const auto wait = schedule.wait_before(attempt);
      CHECK(wait >= 0ms);
      CHECK(wait <= ceiling);
      ceiling = std::min<Milliseconds>(ceiling * 2, 10h);
    }
    // The same seed gives the same timeline, whatever was asked before; another seed another.
    CHECK(RetrySchedule::exponential(42).wait_before(5) == schedule.wait_before(5));
    CHECK(RetrySchedule::exponential(43).wait_before(5) != schedule.wait_before(5));
  }

  TEST_CASE("exponential offsets for seed 7 are exactly these") {
    const auto schedule = RetrySchedule::exponential(7);
    const std::int64_t expected[] = {0, 154, 1425, 2569, 867, 13535};
    for (std::size_t i = 0; i < 6; ++i) {
      CHECK(schedule.wait_before(i).count() == expected[i]);
    }
  }
}
