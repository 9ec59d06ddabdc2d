#include "listen/failure_plan.hpp"

#include "base/error.hpp"

#include <fmt/format.h>

namespace linkhook {

FailurePlan::FailurePlan(const FailureOptions& options)
    : m_options(options), m_random(options.seed) {
  if (!(options.fail_rate >= 0.0 && options.fail_rate <= 1.0)) {
    throw Error(fmt::format("--fail-rate must be between 0 and 1, got {}", options.fail_rate));
  }
  if (options.status && (*options.status < 100 || *options.status > 599)) {
    throw Error(fmt::format("--status must be an HTTP status (100-599), got {}", *options.status));
  }
  if (options.retry_after && *options.retry_after < 0) {
    throw Error(
        fmt::format("--retry-after must be 0 or more seconds, got {}", *options.retry_after));
  }
  if (options.per_id) {
    m_passed.emplace(100000);
  }
}

std::uint64_t FailurePlan::count(std::string_view id) {
  if (!m_options.per_id) {
    return ++m_seen;
  }
  if (m_passed->contains(id)) {
    return m_options.fail_first + 1;
  }
  const auto it = m_failing.try_emplace(std::string(id), 0).first;
  const auto n = ++it->second;
  if (n > m_options.fail_first) {
    m_passed->insert(it->first);
    m_failing.erase(it);
  }
  return n;
}

PlannedAnswer FailurePlan::next(std::string_view id) {
  const bool planned_failures = m_options.fail_first > 0 || m_options.fail_rate > 0.0;
  if (!planned_failures && !m_options.status) {
    return {}; // nothing to count: no lock taken on the listener's common path
  }
  std::uint64_t n = 0;
  bool rate_hit = false;
  {
    const std::lock_guard lock(m_mutex);
    n = count(id);
    if (n > m_options.fail_first && m_options.fail_rate > 0.0) {
      // 53 random bits as a fraction in [0, 1): the same seed fails the same deliveries.
      const double draw = static_cast<double>(m_random.next() >> 11) * 0x1.0p-53;
      rate_hit = draw < m_options.fail_rate;
    }
  }
  PlannedAnswer answer;
  const int failure_status = m_options.status.value_or(500);
  if (n <= m_options.fail_first) {
    answer = {failure_status,
              true,
              fmt::format("fail-first {}/{}{}", n, m_options.fail_first,
                          m_options.per_id ? " of this id" : ""),
              {}};
  } else if (rate_hit) {
    answer = {failure_status, true, fmt::format("fail-rate {}", m_options.fail_rate), {}};
  } else if (!planned_failures && m_options.status) {
    answer = {*m_options.status, true, fmt::format("--status {}", *m_options.status), {}};
  }
  if (answer.on_purpose && (answer.status == 429 || answer.status == 503)) {
    answer.retry_after = m_options.retry_after;
  }
  return answer;
}

} // namespace linkhook
