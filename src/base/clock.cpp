#include "base/clock.hpp"

namespace linkhook {

RealClock::RealClock(double scale) : m_scale(scale), m_base_real(Steady::now()) {}

Milliseconds RealClock::now() const {
  return m_base + std::chrono::duration_cast<Milliseconds>(Steady::now() - m_base_real);
}

std::chrono::steady_clock::duration RealClock::real_wait_until(Milliseconds when) const {
  const auto wait = when - now();
  if (wait <= Milliseconds(0)) {
    return {};
  }
  return std::chrono::duration_cast<Steady::duration>(
      std::chrono::duration<double, std::milli>(static_cast<double>(wait.count()) * m_scale));
}

void RealClock::arrive(Milliseconds when) {
  if (when > now()) {
    m_base = when;
    m_base_real = Steady::now();
  }
}

} // namespace linkhook
