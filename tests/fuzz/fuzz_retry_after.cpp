// libFuzzer target: Retry-After comes from the endpoint a delivery goes to, so parse_retry_after
// must take any bytes, and what it accepts must be a wait within its bounds.
#include "delivery/retry_engine.hpp"
#include "fuzz_check.hpp"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

constexpr linkhook::UnixSeconds k_now = 1614265330; // Thu, 25 Feb 2021 15:02:10 GMT
constexpr std::chrono::seconds k_longest_wait = std::chrono::hours(365 * 24);

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto wait = linkhook::parse_retry_after(input, k_now);
  if (!wait) {
    return 0;
  }
  FUZZ_CHECK(*wait >= std::chrono::milliseconds(0) && *wait <= k_longest_wait);
  FUZZ_CHECK(wait->count() % 1000 == 0); // both forms count whole seconds
  // Header values never hold a NUL: a value with one is not a date, whatever precedes it.
  FUZZ_CHECK(input.find('\0') == std::string_view::npos);
  // A delta-seconds value is that many seconds, leading zeros or not.
  if (!input.empty() &&
      std::all_of(input.begin(), input.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    const auto digits = input.substr(std::min(input.find_first_not_of('0'), input.size() - 1));
    FUZZ_CHECK(std::to_string(std::chrono::duration_cast<std::chrono::seconds>(*wait).count()) ==
               digits);
  }
  return 0;
}
