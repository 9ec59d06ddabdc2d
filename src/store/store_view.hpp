#pragma once

#include "store/record.hpp"

#include <cstddef>
#include <deque>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

// What `store list` and `store show` print about stored records.
namespace linkhook {

// A row of `store list`: the cells of its table, or with --json one JSON line alone.
using ListRow = std::vector<std::string>;

// A record's row. A replay's attempts show how it ended ("gave up") as their verdict.
ListRow list_row(const StoreRecord& record, bool json);

// A row of `store list --failed`: an event (of kind `kind`) whose latest replay did not deliver
// it, under the event's id (what `replay` takes), from that replay's attempts record.
ListRow failed_row(const StoreRecord& attempts, RecordKind kind, bool json);

// The rows under a header, columns padded to their widest cell, verdicts coloured.
std::string list_table(const std::deque<ListRow>& rows, bool color);

// What `store show` found: the first record with the id (of --kind), how many more there are,
// and the kinds of those that --kind would pick instead.
struct FoundRecord {
  std::optional<StoreRecord> record;
  std::size_t later_copies = 0;
  std::set<std::string_view> other_kinds; // kind_name()s
};

// "received, sent": the kinds, in order.
std::string kinds_text(const std::set<std::string_view>& kinds);

// `store show`'s text: the fields, headers and body of `found.record`, which must be set.
std::string describe_record(const FoundRecord& found);

} // namespace linkhook
