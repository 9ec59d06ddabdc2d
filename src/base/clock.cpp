#include "base/clock.hpp"

#include <thread>

namespace linkhook {

namespace {

// A Ctrl-C during a long wait is noticed within this long, without a busy loop.
constexpr auto k_stop_check = std::chrono::milliseconds(50);

} // namespace

RealClock::RealClock(double scale, const std::atomic<bool>* stop)
    : m_scale(scale), m_stop(stop), m_base_real(Steady::now()) {}

Milliseconds RealClock::now() const {
  return m_base + std::chrono::duration_cast<Milliseconds>(Steady::now() - m_base_real);
}

void RealClock::sleep_until(Milliseconds when) {
  const auto wait = when - now();
  if (wait <= Milliseconds(0)) {
    return;
  }
  const auto deadline =
      Steady::now() +
      std::chrono::duration_cast<Steady::duration>(
          std::chrono::duration<double, std::milli>(static_cast<double>(wait.count()) * m_scale));
  for (auto left = deadline - Steady::now(); left > Steady::duration::zero();
       left = deadline - Steady::now()) {
    if (m_stop != nullptr && *m_stop) {
      return; // the timeline stays where it was: the wait did not happen
    }
    std::this_thread::sleep_for(std::min<Steady::duration>(left, k_stop_check));
  }
  m_base = when;
  m_base_real = Steady::now();
}

} // namespace linkhook
