#pragma once

#include <algorithm>
#include <chrono>

// The time a retry timeline runs on: real (scaled), or virtual so that a day of retries is
// simulated in milliseconds and tests never sleep.
namespace linkhook {

using Milliseconds = std::chrono::milliseconds;

// The steady clock's time `seconds` from now: the deadline of a --timeout, say.
inline std::chrono::steady_clock::time_point steady_after(double seconds) {
  return std::chrono::steady_clock::now() + std::chrono::duration_cast<std::chrono::nanoseconds>(
                                                std::chrono::duration<double>(seconds));
}

class Clock {
public:
  virtual ~Clock() = default;

  // Time since the clock was made.
  virtual Milliseconds now() const = 0;

  // How long to wait in real time until now() reaches `when` (zero when it did, or never has
  // to): the waiting is the caller's (an event loop's timer)...
  virtual std::chrono::steady_clock::duration real_wait_until(Milliseconds when) const = 0;
  // ...and once that wait is over, moves the clock there.
  virtual void arrive(Milliseconds when) = 0;
};

// Never waits: arrive jumps to the time asked for, and nothing else moves the clock, so the time
// spent on an attempt counts as none and offsets are exactly the schedule's.
class VirtualClock final : public Clock {
public:
  Milliseconds now() const override { return m_now; }
  std::chrono::steady_clock::duration real_wait_until(Milliseconds /*when*/) const override {
    return {};
  }
  void arrive(Milliseconds when) override { m_now = std::max(m_now, when); }

private:
  Milliseconds m_now{0};
};

// Real time, with the waits scaled: `scale` 1 waits for real, 0.001 a millisecond per simulated
// second. Time spent outside the waits (an attempt) counts as it is, unscaled, so a timeout of
// 10 s stays 10 s on the timeline.
class RealClock final : public Clock {
public:
  explicit RealClock(double scale = 1);

  Milliseconds now() const override;
  std::chrono::steady_clock::duration real_wait_until(Milliseconds when) const override;
  void arrive(Milliseconds when) override;

private:
  using Steady = std::chrono::steady_clock;

  double m_scale;
  Steady::time_point m_base_real; // when now() was last m_base
  Milliseconds m_base{0};
};

} // namespace linkhook
