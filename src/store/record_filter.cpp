#include "store/record_filter.hpp"

#include "base/text.hpp"
#include "store/replay_selection.hpp"

#include <algorithm>

namespace linkhook {

std::string verdict_word(std::string_view verdict) {
  std::string word(verdict);
  std::replace(word.begin(), word.end(), ' ', '-');
  return word;
}

bool matches(const RecordFilter& filter, const StoreRecord& record) {
  return (!filter.event || glob_match(*filter.event, record.event)) &&
         (!filter.verdict || *filter.verdict == verdict_word(verdict_name(record)) ||
          (record.kind == RecordKind::attempts &&
           *filter.verdict == verdict_word(replay_ending(record)))) &&
         (!filter.kind || *filter.kind == record.kind);
}

} // namespace linkhook
