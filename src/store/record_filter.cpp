#include "store/record_filter.hpp"

#include "base/json_depth.hpp"
#include "base/text.hpp"
#include "store/event_store.hpp"
#include "store/replay_selection.hpp"

#include <algorithm>

namespace linkhook {

std::string verdict_word(std::string_view verdict) {
  std::string word(verdict);
  std::replace(word.begin(), word.end(), ' ', '-');
  return word;
}

namespace {

// Whether the body is JSON that holds every one of `wanted`.
bool body_holds(const std::string& body, const std::vector<Assignment>& wanted) {
  if (wanted.empty()) {
    return true;
  }
  if (json_nesting_depth(body) > k_max_json_depth) {
    return false; // no payload nests that deep; parsing it could run off the stack
  }
  const auto document = nlohmann::ordered_json::parse(body, nullptr, false);
  return !document.is_discarded() &&
         std::all_of(wanted.begin(), wanted.end(),
                     [&](const Assignment& one) { return holds(document, one); });
}

} // namespace

bool matches(const RecordFilter& filter, const StoreRecord& record) {
  return (!filter.event || glob_match(*filter.event, record.event)) &&
         (!filter.verdict || *filter.verdict == verdict_word(verdict_name(record)) ||
          (record.kind == RecordKind::attempts &&
           *filter.verdict == verdict_word(replay_ending(record)))) &&
         (!filter.kind || *filter.kind == record.kind) &&
         (!filter.since_ms || record.time_ms >= *filter.since_ms) &&
         body_holds(record.body, filter.body);
}

AwaitedRecord wait_for_record(const std::filesystem::path& dir, const RecordFilter& filter,
                              std::chrono::steady_clock::time_point deadline, int interrupt) {
  StoreFollower follower(dir);
  AwaitedRecord awaited;
  while (true) {
    follower.read([&](const StoreRecord& record, std::uint64_t offset) {
      if (!awaited.record && matches(filter, record)) {
        awaited.record = record;
        awaited.offset = offset;
      }
    });
    const auto left =
        std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (awaited.record || left.count() <= 0) {
      return awaited;
    }
    if (!follower.wait(left, interrupt)) {
      awaited.interrupted = true;
      return awaited;
    }
  }
}

} // namespace linkhook
