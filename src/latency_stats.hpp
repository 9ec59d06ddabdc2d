#pragma once

#include <cstddef>
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

} // namespace linkhook
