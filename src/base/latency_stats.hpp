#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace linkhook {

// Latencies of many deliveries, for a load test's summary. Every sample is kept (8 bytes each):
// exact percentiles are worth that much memory at the counts a command line sends.
class LatencyStats {
public:
  void add(double ms) {
    m_samples.push_back(ms);
    m_sorted = false;
  }
  void merge(const LatencyStats& other);

  std::size_t count() const { return m_samples.size(); }

  // The nearest-rank percentile (p in 0-100): the smallest sample that at least p% of the
  // samples do not exceed. 0 when there are no samples.
  double percentile(double p) const;
  double max() const;

private:
  void sort() const;

  mutable std::vector<double> m_samples;
  mutable bool m_sorted = true;
};

// A latency with the precision its size deserves: "0.42ms", "3.2ms", "45ms", "1.2s", "12s". A
// fixed 0.1 ms would print a loopback p50 as "0ms" beside a "3.2ms".
std::string format_ms(double ms);

} // namespace linkhook
