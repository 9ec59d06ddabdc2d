#pragma once

#include "base/duration.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// When to try a failed delivery again: shared by `send --retries` and `replay`.
namespace linkhook {

class RetrySchedule {
public:
  // The Standard Webhooks schedule: 0s, 5s, 5m, 30m, 2h, 5h, 10h, 10h.
  static RetrySchedule standard();
  // Doubling from 1s (1s, 2s, 4s, ... up to 10h) with full jitter: each wait is drawn uniformly
  // from [0, the doubled value] by a generator seeded with `seed`, so a seed fixes the timeline.
  static RetrySchedule exponential(std::uint64_t seed);
  // Explicit waits, such as {0, 5s, 1m}.
  static RetrySchedule list(std::vector<Milliseconds> waits);

  // "standard", "exponential" or a comma-separated LIST like "0,5s,1m". Throws Error (usage)
  // naming the problem. `seed` is the exponential schedule's jitter seed.
  static RetrySchedule parse(std::string_view text, std::uint64_t seed);

  // The same schedule with its jitter drawn from `seed` instead (a list has no jitter): each
  // replayed event gets a timeline of its own.
  RetrySchedule with_seed(std::uint64_t seed) const;

  // The wait before attempt `attempt` (0 is the first attempt), counted from the end of the
  // previous attempt. The first entry of a list is the wait before the first attempt (0 for
  // standard); past the end of a list, its last wait repeats.
  Milliseconds wait_before(std::size_t attempt) const;

  // Attempts the schedule lists (8 for standard), or nullopt when it has no end (exponential).
  std::optional<std::size_t> length() const;

private:
  std::vector<Milliseconds> m_waits; // empty for exponential
  std::optional<std::uint64_t> m_jitter_seed;
};

} // namespace linkhook
