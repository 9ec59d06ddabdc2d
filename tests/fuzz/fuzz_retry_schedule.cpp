// libFuzzer target: `--schedule` and the durations in it (`--max-wait` too) are typed by users
// and kept in scripts, so RetrySchedule::parse and parse_duration must take any text, refusing
// it with an Error at worst, and what they accept must make sense.
#include "base/error.hpp"
#include "delivery/retry_schedule.hpp"
#include "fuzz_check.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

using namespace linkhook;

// Longest wait a schedule may give: parse_duration's bound (1e15 ms), or exponential's cap.
constexpr Milliseconds k_longest_wait{1'000'000'000'000'000};

void check_duration(std::string_view text) {
  const auto duration = parse_duration(text);
  if (!duration) {
    return;
  }
  FUZZ_CHECK(duration->count() >= 0 && *duration <= k_longest_wait);
  // What users see must read back as the same duration (format_duration shows whole seconds
  // from a minute on).
  const auto shown = parse_duration(format_duration(*duration));
  FUZZ_CHECK(shown.has_value());
  if (*duration < std::chrono::minutes(1) || duration->count() % 1000 == 0) {
    FUZZ_CHECK(*shown == *duration);
  }
}

void check_schedule(std::string_view text) {
  try {
    const auto schedule = RetrySchedule::parse(text, 7);
    const auto length = schedule.length();
    FUZZ_CHECK(!length || *length >= 1);
    const auto reseeded = schedule.with_seed(8);
    FUZZ_CHECK(reseeded.length() == length);
    const std::size_t attempts = length ? *length + 2 : 40;
    for (std::size_t attempt = 0; attempt < attempts; ++attempt) {
      const auto wait = schedule.wait_before(attempt);
      FUZZ_CHECK(wait.count() >= 0 && wait <= k_longest_wait);
      if (length) {
        FUZZ_CHECK(reseeded.wait_before(attempt) == wait); // a list has no jitter
      }
    }
    if (length) {
      FUZZ_CHECK(schedule.wait_before(*length) == schedule.wait_before(*length - 1));
    }
  } catch (const Error&) {
    // A schedule refused with a message naming the problem is the expected outcome.
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  check_duration(input);
  check_schedule(input);
  return 0;
}
