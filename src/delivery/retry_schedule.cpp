#include "delivery/retry_schedule.hpp"

#include "base/error.hpp"
#include "base/random.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace linkhook {

namespace {

using namespace std::chrono_literals;

constexpr Milliseconds k_exponential_base = 1s;
constexpr Milliseconds k_exponential_cap = 10h;

} // namespace

RetrySchedule RetrySchedule::standard() {
  return list({0s, 5s, 5min, 30min, 2h, 5h, 10h, 10h});
}

RetrySchedule RetrySchedule::exponential(std::uint64_t seed) {
  RetrySchedule schedule;
  schedule.m_jitter_seed = seed;
  return schedule;
}

RetrySchedule RetrySchedule::list(std::vector<Milliseconds> waits) {
  if (waits.empty()) {
    throw Error("a retry schedule needs at least one wait");
  }
  RetrySchedule schedule;
  schedule.m_waits = std::move(waits);
  return schedule;
}

RetrySchedule RetrySchedule::parse(std::string_view text, std::uint64_t seed) {
  if (text == "standard") {
    return standard();
  }
  if (text == "exponential") {
    return exponential(seed);
  }
  std::vector<Milliseconds> waits;
  for (std::size_t start = 0; start <= text.size();) {
    const auto comma = std::min(text.find(',', start), text.size());
    const auto item = text.substr(start, comma - start);
    start = comma + 1;
    const auto wait = parse_duration(item);
    if (!wait) {
      throw Error(fmt::format("--schedule '{}' is not standard, exponential or a list of waits "
                              "like 0,5s,1m: cannot read '{}'",
                              text, item));
    }
    waits.push_back(*wait);
  }
  return list(std::move(waits));
}

RetrySchedule RetrySchedule::with_seed(std::uint64_t seed) const {
  auto copy = *this;
  if (copy.m_jitter_seed) {
    copy.m_jitter_seed = seed;
  }
  return copy;
}

Milliseconds RetrySchedule::wait_before(std::size_t attempt) const {
  if (!m_jitter_seed) {
    return m_waits[std::min(attempt, m_waits.size() - 1)];
  }
  if (attempt == 0) {
    return 0s;
  }
  // The ceiling doubles per retry: 1s before the second attempt, 2s before the third, ...
  auto ceiling = k_exponential_base;
  for (std::size_t i = 1; i < attempt && ceiling < k_exponential_cap; ++i) {
    ceiling *= 2;
  }
  ceiling = std::min(ceiling, k_exponential_cap);
  // One generator per attempt, so a wait does not depend on which waits were asked for before.
  Random random(*m_jitter_seed ^ (0x9E3779B97F4A7C15ULL * attempt));
  return Milliseconds(
      static_cast<std::int64_t>(random.below(static_cast<std::uint64_t>(ceiling.count()) + 1)));
}

std::optional<std::size_t> RetrySchedule::length() const {
  if (m_jitter_seed) {
    return std::nullopt;
  }
  return m_waits.size();
}

} // namespace linkhook
