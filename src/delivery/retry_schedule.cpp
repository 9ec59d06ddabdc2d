#include "delivery/retry_schedule.hpp"

#include "base/error.hpp"
#include "base/random.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fmt/format.h>

namespace linkhook {

namespace {

using namespace std::chrono_literals;

constexpr Milliseconds k_exponential_base = 1s;
constexpr Milliseconds k_exponential_cap = 10h;

// Milliseconds per unit, or 0 for an unknown unit.
double unit_ms(std::string_view unit) {
  if (unit == "ms") {
    return 1;
  }
  if (unit == "s" || unit.empty()) {
    return 1000;
  }
  if (unit == "m") {
    return 60'000;
  }
  if (unit == "h") {
    return 3'600'000;
  }
  return 0;
}

} // namespace

std::optional<Milliseconds> parse_duration(std::string_view text) {
  if (text.empty()) {
    return std::nullopt;
  }
  double total = 0;
  bool first = true;
  while (!text.empty()) {
    double number = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (ec != std::errc{} || !std::isfinite(number) || number < 0) {
      return std::nullopt;
    }
    text.remove_prefix(static_cast<std::size_t>(end - text.data()));
    const auto unit_end = std::min(text.find_first_of("0123456789."), text.size());
    const auto factor = unit_ms(text.substr(0, unit_end));
    if (factor == 0) {
      return std::nullopt;
    }
    if (unit_end == 0 && !(first && text.empty())) {
      return std::nullopt; // a number without a unit must be the whole text
    }
    first = false;
    total += number * factor;
    text.remove_prefix(unit_end);
  }
  if (total > 1e15) {
    return std::nullopt;
  }
  return Milliseconds(static_cast<std::int64_t>(std::llround(total)));
}

std::string format_duration(Milliseconds duration) {
  const auto ms = duration.count();
  if (ms < 60'000) {
    return ms % 1000 == 0 ? fmt::format("{}s", ms / 1000)
                          : fmt::format("{}s", static_cast<double>(ms) / 1000.0);
  }
  const auto seconds = ms / 1000;
  if (seconds < 3600) {
    return fmt::format("{}m{}s", seconds / 60, seconds % 60);
  }
  return fmt::format("{}h{}m{}s", seconds / 3600, seconds % 3600 / 60, seconds % 60);
}

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
