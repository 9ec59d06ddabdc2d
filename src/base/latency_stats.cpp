#include "base/latency_stats.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace linkhook {

void LatencyStats::merge(const LatencyStats& other) {
  m_samples.insert(m_samples.end(), other.m_samples.begin(), other.m_samples.end());
  m_sorted = false;
}

void LatencyStats::sort() const {
  if (!m_sorted) {
    std::sort(m_samples.begin(), m_samples.end());
    m_sorted = true;
  }
}

double LatencyStats::percentile(double p) const {
  if (m_samples.empty()) {
    return 0;
  }
  sort();
  const auto n = static_cast<double>(m_samples.size());
  const auto rank = static_cast<std::size_t>(std::ceil(std::clamp(p, 0.0, 100.0) / 100.0 * n));
  return m_samples[rank == 0 ? 0 : rank - 1];
}

double LatencyStats::max() const {
  return percentile(100);
}

std::string format_ms(double ms) {
  if (ms >= 10'000) {
    return fmt::format("{:.0f}s", ms / 1000);
  }
  if (ms >= 1000) {
    return fmt::format("{:.1f}s", ms / 1000);
  }
  if (ms >= 10) {
    return fmt::format("{:.0f}ms", ms);
  }
  if (ms >= 1) {
    return fmt::format("{:.1f}ms", ms);
  }
  return fmt::format("{:.2g}ms", ms); // two significant digits: 0.42ms, 0.05ms
}

} // namespace linkhook
