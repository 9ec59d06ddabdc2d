#pragma once

#include "payload/json_path.hpp"
#include "store/record.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace linkhook {

// Which stored records a command is about: `store list`, `store export`, `store wait`. Unset
// fields match everything.
struct RecordFilter {
  std::optional<std::string> event;   // a glob over the event name ('link.*')
  std::optional<std::string> verdict; // a verdict_word: of verdict_name, or of replay_ending
  std::optional<RecordKind> kind;
  std::vector<Assignment> body;         // --filter PATH=VALUE: the JSON body holds each (holds())
  std::optional<std::int64_t> since_ms; // stored at or after this Unix millisecond
};

// The words --verdict accepts: every verdict `store list` prints, as verdict_name gives them
// and, for the attempts of a replay, as replay_ending does, in verdict_word's spelling.
inline constexpr std::string_view k_verdict_words[] = {
    "verified", "rejected", "duplicate", "delivered", "failed", "gave-up", "gone", "interrupted"};

// A verdict as one shell word: "gave up" is "gave-up", so that completion offers one word.
std::string verdict_word(std::string_view verdict);

bool matches(const RecordFilter& filter, const StoreRecord& record);

// What wait_for_record found: the record and where its frame starts in the log; none at the
// deadline. `interrupted` when the interrupt descriptor became readable first.
struct AwaitedRecord {
  std::optional<StoreRecord> record;
  std::uint64_t offset = 0;
  bool interrupted = false;
};

// Reads the store in `dir` as writers append to it (StoreFollower), from what it holds now, until
// a record matches `filter`, `deadline` passes or `interrupt` (a descriptor, or -1) is readable.
AwaitedRecord wait_for_record(const std::filesystem::path& dir, const RecordFilter& filter,
                              std::chrono::steady_clock::time_point deadline, int interrupt = -1);

} // namespace linkhook
