#include "store/replay_selection.hpp"

#include "base/error.hpp"
#include "base/text.hpp"

#include <fmt/format.h>
#include <unordered_set>

namespace linkhook {

namespace {

bool is_event(const StoreRecord& record) {
  return record.kind == RecordKind::received || record.kind == RecordKind::sent;
}

bool selected(const ReplaySelection& selection, const StoreRecord& record,
              const ReplayHistory& history) {
  return verdict_name(record) != "rejected" &&
         (!selection.event || glob_match(*selection.event, record.event)) &&
         (!selection.since_ms || record.time_ms >= *selection.since_ms) &&
         (!selection.failed || history.failed(record.id));
}

ReplayEvent replay_event(const StoreRecord& record) {
  return ReplayEvent{record.id, record.event, record.body};
}

[[noreturn]] void not_stored(const std::string& id, const std::vector<std::string>& stored,
                             const std::filesystem::path& dir) {
  const std::vector<std::string_view> candidates(stored.begin(), stored.end());
  const auto hint = closest_match(id, candidates);
  throw Error(fmt::format("no stored event with id '{}' in {}{}", id, dir.string(),
                          hint ? fmt::format(" (did you mean '{}'?)", *hint) : ""));
}

} // namespace

void ReplayHistory::add(const StoreRecord& record) {
  if (record.kind != RecordKind::attempts) {
    return;
  }
  m_latest[record.ref] = m_records.size();
  m_records.push_back(record);
}

std::vector<StoreRecord> ReplayHistory::failed() const {
  std::vector<StoreRecord> out;
  for (std::size_t i = 0; i < m_records.size(); ++i) {
    const auto& record = m_records[i];
    if (m_latest.at(record.ref) == i && replay_ending(record) != "delivered") {
      out.push_back(record);
    }
  }
  return out;
}

bool ReplayHistory::failed(const std::string& event_id) const {
  const auto it = m_latest.find(event_id);
  return it != m_latest.end() && replay_ending(m_records[it->second]) != "delivered";
}

std::string_view replay_ending(const StoreRecord& attempts) {
  const auto it = attempts.extra.find("ending");
  return it != attempts.extra.end() && it->is_string()
             ? std::string_view(it->get_ref<const std::string&>())
             : verdict_name(attempts);
}

std::vector<ReplayEvent> select_replay_events(const std::filesystem::path& dir,
                                              const ReplaySelection& selection, StoreScan& scan) {
  ReplayHistory history;
  std::vector<StoreRecord> events; // the first record of each id, oldest first
  std::unordered_set<std::string> seen;
  scan = scan_store(dir, [&](const StoreRecord& record) {
    history.add(record);
    if (is_event(record) && seen.insert(record.id).second) {
      events.push_back(record);
    }
  });
  std::vector<ReplayEvent> chosen;
  if (!selection.ids.empty()) {
    std::unordered_map<std::string, const StoreRecord*> by_id;
    std::vector<std::string> stored;
    for (const auto& record : events) {
      by_id.emplace(record.id, &record);
      stored.push_back(record.id);
    }
    std::unordered_set<std::string> named;
    for (const auto& id : selection.ids) {
      const auto it = by_id.find(id);
      if (it == by_id.end()) {
        not_stored(id, stored, dir);
      }
      if (named.insert(id).second) {
        chosen.push_back(replay_event(*it->second));
      }
    }
    return chosen;
  }
  for (const auto& record : events) {
    if (selected(selection, record, history)) {
      chosen.push_back(replay_event(record));
    }
  }
  if (chosen.empty() && !selection.failed) {
    throw Error(fmt::format("no stored event to replay in {} matches the selection", dir.string()));
  }
  return chosen;
}

} // namespace linkhook
