#include "base/duration.hpp"

#include <charconv>
#include <cmath>
#include <fmt/format.h>

namespace linkhook {

namespace {

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
  if (unit == "d") {
    return 86'400'000;
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

} // namespace linkhook
