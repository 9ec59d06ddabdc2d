#pragma once

#include "base/random.hpp"
#include "listen/recent_ids.hpp"

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace linkhook {

// How `listen` misbehaves on purpose, so a sender's retry logic can be exercised locally.
struct FailureOptions {
  std::uint64_t fail_first = 0;   // answer the first N deliveries with the failure status
  double fail_rate = 0.0;         // then fail each with this probability (seeded)
  std::optional<int> status;      // the failure status; alone, the answer to every delivery
  std::optional<int> retry_after; // seconds, sent with 429 and 503
  std::uint64_t seed = 0;
  // fail_first counts the deliveries of each id apart: each id's first N fail (a sender's
  // retries of every event meet the same failures, as replay's benchmark needs).
  bool per_id = false;
};

// What to answer one verified delivery with.
struct PlannedAnswer {
  int status = 200;
  bool on_purpose = false; // a failure (or status) the user asked for
  std::string reason;      // why, for the delivery line: "fail-first 1/2"
  std::optional<int> retry_after;
};

class FailurePlan {
public:
  // Throws Error for a rate outside [0, 1] or a status outside 100..599.
  explicit FailurePlan(const FailureOptions& options);

  // The answer to the next verified delivery, in arrival order; `id` is its delivery id.
  // Thread-safe.
  PlannedAnswer next(std::string_view id);

private:
  // The delivery's number among those fail_first counts (all, or those of its id).
  std::uint64_t count(std::string_view id);

  FailureOptions m_options;
  std::mutex m_mutex;
  std::uint64_t m_seen = 0;
  Random m_random;
  // per_id: how often each id failed so far; an id that got past fail_first moves to m_passed,
  // which forgets the oldest past 100,000 ids, so memory stays flat.
  std::unordered_map<std::string, std::uint64_t> m_failing;
  std::optional<RecentIds> m_passed; // with per_id only: its table is allocated up front
};

} // namespace linkhook
