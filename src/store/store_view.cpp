#include "store/store_view.hpp"

#include "base/terminal.hpp"
#include "base/text.hpp"
#include "base/timestamp.hpp"
#include "store/json.hpp"
#include "store/replay_selection.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace linkhook {

namespace {

constexpr std::size_t k_verdict_column = 4;

Color verdict_color(std::string_view verdict) {
  if (verdict == "verified" || verdict == "delivered") {
    return Color::green;
  }
  return verdict == "duplicate" ? Color::yellow : Color::red;
}

// The cells of a table row.
ListRow cells(const StoreRecord& record, std::string_view id, RecordKind kind,
              std::string_view verdict) {
  // A time out of range (an older linkhook stored it) shows as format_iso8601_ms writes it.
  const bool in_range = record.time_ms >= 0 && record.time_ms <= k_max_timestamp_ms;
  return {in_range ? format_iso8601(record.time_ms / 1000) : format_iso8601_ms(record.time_ms),
          std::string(id),
          std::string(kind_name(kind)),
          record.event.empty() ? "-" : record.event,
          std::string(verdict),
          record.verdict.status == 0 ? "-" : std::to_string(record.verdict.status)};
}

} // namespace

ListRow list_row(const StoreRecord& record, bool json) {
  if (json) {
    return {json_line(record_summary_json(record))};
  }
  return cells(record, record.id, record.kind,
               record.kind == RecordKind::attempts ? replay_ending(record) : verdict_name(record));
}

ListRow failed_row(const StoreRecord& attempts, RecordKind kind, bool json) {
  const std::string ending(replay_ending(attempts));
  if (json) {
    return {
        json_line({{"id", attempts.ref},
                   {"kind", kind_name(kind)},
                   {"event", attempts.event},
                   {"replayed_at", format_iso8601_ms(attempts.time_ms)},
                   {"ending", ending},
                   {"status", attempts.verdict.status},
                   {"attempts", attempts.extra.value("attempts", nlohmann::json::array()).size()},
                   {"url", attempts.extra.value("url", "")},
                   {"record", attempts.id}})};
  }
  return cells(attempts, attempts.ref, kind, ending);
}

std::string list_table(const std::deque<ListRow>& rows, bool color) {
  const ListRow header = {"TIME", "ID", "KIND", "EVENT", "VERDICT", "STATUS"};
  std::vector<std::size_t> widths(header.size());
  for (std::size_t i = 0; i < header.size(); ++i) {
    widths[i] = header[i].size();
    for (const auto& row : rows) {
      widths[i] = std::max(widths[i], row[i].size());
    }
  }
  const auto line = [&](const ListRow& row, bool paint_verdict) {
    std::string text;
    for (std::size_t i = 0; i + 1 < row.size(); ++i) {
      const auto cell = fmt::format("{:{}}  ", row[i], widths[i]);
      text +=
          i == k_verdict_column && paint_verdict ? paint(cell, verdict_color(row[i]), color) : cell;
    }
    return text + row.back() + "\n";
  };
  std::string out = line(header, false);
  for (const auto& row : rows) {
    out += line(row, true);
  }
  return out;
}

std::string kinds_text(const std::set<std::string_view>& kinds) {
  std::string text;
  for (const auto kind : kinds) {
    text += fmt::format("{}{}", text.empty() ? "" : ", ", kind);
  }
  return text;
}

std::string describe_record(const FoundRecord& found) {
  const auto& record = *found.record;
  const auto& verdict = record.verdict;
  std::string out = fmt::format("id        {}\nkind      {}\nevent     {}\n{:<9} {}\n", record.id,
                                kind_name(record.kind), record.event.empty() ? "-" : record.event,
                                record.kind == RecordKind::received ? "received" : "sent",
                                format_iso8601_ms(record.time_ms));
  out += fmt::format("verdict   {}, status {}{}\n", verdict_name(record),
                     verdict.status == 0 ? "-" : std::to_string(verdict.status),
                     verdict.reason.empty() ? "" : fmt::format(" ({})", verdict.reason));
  if (!record.ref.empty()) {
    out += fmt::format("ref       {}\n", record.ref);
  }
  if (found.later_copies > 0) {
    out += fmt::format("repeats   {} later {} with this id\n", found.later_copies,
                       found.later_copies == 1 ? "record" : "records");
  }
  if (!found.other_kinds.empty()) {
    out += fmt::format("others    of kind {} with this id: pick one with --kind\n",
                       kinds_text(found.other_kinds));
  }
  if (!record.extra.is_null()) {
    out += fmt::format("extra     {}", json_line(record.extra));
  }
  out += fmt::format("headers   {}\n", record.headers.size());
  for (const auto& header : record.headers) {
    out += fmt::format("  {}: {}\n", header.name, header.value);
  }
  if (!is_valid_utf8(record.body)) {
    return out + fmt::format("body      {} bytes, binary (not UTF-8); --json gives it as base64\n",
                             record.body.size());
  }
  out += fmt::format("body      {} bytes\n{}", record.body.size(), record.body);
  return record.body.empty() || record.body.ends_with('\n') ? out : out + "\n";
}

} // namespace linkhook
