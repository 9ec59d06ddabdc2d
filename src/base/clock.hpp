#pragma once

#include <atomic>
#include <chrono>

// The time a retry timeline runs on: real (scaled), or virtual so that a day of retries is
// simulated in milliseconds and tests never sleep.
namespace linkhook {

using Milliseconds = std::chrono::milliseconds;

class Clock {
public:
  virtual ~Clock() = default;

  // Time since the clock was made.
  virtual Milliseconds now() const = 0;

  // Returns once now() >= `when`, or earlier when a stop was asked for (RealClock).
  virtual void sleep_until(Milliseconds when) = 0;

  void sleep_for(Milliseconds wait) { sleep_until(now() + wait); }
};

// Never sleeps: sleep_until jumps to the time asked for, and nothing else moves the clock, so
// the time spent on an attempt counts as none and offsets are exactly the schedule's.
class VirtualClock final : public Clock {
public:
  Milliseconds now() const override { return m_now; }
  void sleep_until(Milliseconds when) override { m_now = std::max(m_now, when); }

private:
  Milliseconds m_now{0};
};

// Real time, with the waits scaled: `scale` 1 sleeps for real, 0.001 sleeps a millisecond per
// simulated second. Time spent outside sleep_until (an attempt) counts as it is, unscaled, so
// a timeout of 10 s stays 10 s on the timeline. A wait ends early once `stop` is set.
class RealClock final : public Clock {
public:
  explicit RealClock(double scale = 1, const std::atomic<bool>* stop = nullptr);

  Milliseconds now() const override;
  void sleep_until(Milliseconds when) override;

private:
  using Steady = std::chrono::steady_clock;

  double m_scale;
  const std::atomic<bool>* m_stop;
  Steady::time_point m_base_real; // when now() was last m_base
  Milliseconds m_base{0};
};

} // namespace linkhook
