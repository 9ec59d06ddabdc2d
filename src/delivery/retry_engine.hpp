#pragma once

#include "base/clock.hpp"
#include "base/timestamp.hpp"
#include "delivery/retry_schedule.hpp"
#include "net/delivery_outcome.hpp"

#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

// How a delivery is retried, shared by `send --retries` and `replay`: what each outcome means
// (the decision), how long to wait (schedule, Retry-After, --max-wait), and the loop that runs
// one delivery's attempts on a clock.
namespace linkhook {

// What comes after an attempt.
enum class Decision {
  retry,       // failed: another attempt after a wait
  delivered,   // 2xx
  gone,        // 410: the endpoint is gone, no more attempts
  gave_up,     // failed, and that was the last attempt
  interrupted, // a retry was due, but a stop was asked for
};

// "retry", "delivered", "gone", "gave up", "interrupted": for lines, JSON and the store.
std::string_view decision_name(Decision decision);

// Attempts in all when the schedule has no end (exponential) and --max-attempts is not given.
inline constexpr std::size_t k_exponential_attempts = 8;

struct RetryPolicy {
  RetrySchedule schedule = RetrySchedule::standard();
  // Attempts in all, the first included. Unset: the schedule's length. More than the schedule
  // lists: its last wait repeats.
  std::optional<std::size_t> max_attempts;
  // The longest single wait (send --max-wait), a Retry-After included.
  std::optional<Milliseconds> max_wait;

  std::size_t attempts() const;
  // The wait before attempt `index` (0 is the first), --max-wait applied.
  Milliseconds wait_before(std::size_t index) const;
};

// A Retry-After value as a wait from `now`: delta-seconds ("120") or an HTTP date ("Wed, 21 Oct
// 2015 07:28:00 GMT"; one in the past is no wait). Nullopt when it is neither.
std::optional<Milliseconds> parse_retry_after(std::string_view value, UnixSeconds now);

struct AttemptDecision {
  Decision decision = Decision::retry;
  Milliseconds wait{0}; // before the next attempt, when retrying
};

// What follows attempt number `attempt` (1-based) that ended with `outcome`: 2xx delivered, 410
// gone, an attempt a stop cut short interrupted, anything else (3xx, 4xx, 5xx, no answer) retried
// until the policy's attempts are spent.
// A 429 or 503 with a Retry-After longer than the scheduled wait waits that long instead.
AttemptDecision decide(const RetryPolicy& policy, std::size_t attempt,
                       const DeliveryOutcome& outcome, UnixSeconds now);

// One attempt on a delivery's timeline.
struct Attempt {
  std::size_t number = 1; // 1-based
  Milliseconds at{0};     // from the start of the timeline
  DeliveryOutcome outcome;
  Decision decision = Decision::retry;
  Milliseconds wait{0}; // before the next attempt, when retrying
};

// One delivery's timeline, a step at a time, for whoever does the waiting and the sending (an
// event loop's lane): waits the schedule's first wait, then each attempt (which signs afresh and
// sends) is decided, until delivered, gone or out of attempts. Offsets are read from `clock`
// (kept by the caller).
class Timeline {
public:
  Timeline(RetryPolicy policy, const Clock& clock)
      : m_policy(std::move(policy)), m_clock(&clock), m_start(clock.now()),
        m_wait(m_policy.wait_before(0)) {}

  // Where on the clock the next attempt is due: after the schedule's first wait, then after the
  // wait the last decision asked for.
  Milliseconds next_due() const { return m_clock->now() + m_wait; }
  // An attempt begins now: the offset it will have.
  Milliseconds begin_attempt() const { return m_clock->now() - m_start; }
  // The attempt that began at `at` ended with `outcome`: decided.
  Attempt attempted(Milliseconds at, DeliveryOutcome outcome);

private:
  RetryPolicy m_policy;
  const Clock* m_clock;
  Milliseconds m_start;
  Milliseconds m_wait;
  std::size_t m_number = 0;
};

// The offsets of every attempt the policy allows, as a timeline where all of them fail without
// a Retry-After would have them (--dry-run).
std::vector<Milliseconds> planned_offsets(const RetryPolicy& policy);

} // namespace linkhook
