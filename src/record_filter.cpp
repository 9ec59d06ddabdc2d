#include "record_filter.hpp"

#include "replay_selection.hpp"
#include "text.hpp"

namespace linkhook {

bool matches(const RecordFilter& filter, const StoreRecord& record) {
  return (!filter.event || glob_match(*filter.event, record.event)) &&
         (!filter.verdict || *filter.verdict == verdict_name(record) ||
          (record.kind == RecordKind::attempts && *filter.verdict == replay_ending(record))) &&
         (!filter.kind || *filter.kind == record.kind);
}

} // namespace linkhook
