#pragma once

#include "store_record.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace linkhook {

// Which stored records a command is about: `store list` and `store export` now, `replay
// --event` later. Unset fields match everything.
struct RecordFilter {
  std::optional<std::string> event;   // a glob over the event name ('link.*')
  std::optional<std::string> verdict; // a verdict_name, or how a replay ended (replay_ending)
  std::optional<RecordKind> kind;
};

// The names --verdict accepts: every verdict `store list` prints, as verdict_name gives them
// and, for the attempts of a replay, as replay_ending does.
inline constexpr std::string_view k_verdict_names[] = {
    "verified", "rejected", "duplicate", "delivered", "failed", "gave up", "gone", "interrupted"};

bool matches(const RecordFilter& filter, const StoreRecord& record);

} // namespace linkhook
