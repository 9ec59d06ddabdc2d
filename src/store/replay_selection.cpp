#include "store/replay_selection.hpp"

#include "base/error.hpp"
#include "base/text.hpp"

#include <fmt/format.h>
#include <optional>
#include <unordered_set>

namespace linkhook {

namespace {

bool is_event(const StoreRecord& record) {
  return record.kind == RecordKind::received || record.kind == RecordKind::sent;
}

// Whether the selection takes the event, but for --failed, which only the whole history tells.
bool selected(const ReplaySelection& selection, const StoreRecord& record) {
  return verdict_name(record) != "rejected" &&
         (!selection.event || glob_match(*selection.event, record.event)) &&
         (!selection.since_ms || record.time_ms >= *selection.since_ms);
}

ReplayEvent replay_event(const StoreRecord& record) {
  return ReplayEvent{.id = record.id, .event = record.event, .body = record.body, .offset = 0};
}

[[noreturn]] void not_stored(const std::string& id, const std::vector<std::string>& stored,
                             const std::filesystem::path& dir) {
  const std::vector<std::string_view> candidates(stored.begin(), stored.end());
  const auto hint = closest_match(id, candidates);
  throw Error(fmt::format("no stored event with id '{}' in {}{}", id, dir.string(),
                          hint ? fmt::format(" (did you mean '{}'?)", *hint) : ""));
}

// The first record of each stored event's id, oldest first: for the hint of an id not stored.
std::vector<std::string> stored_ids(const std::filesystem::path& dir) {
  std::vector<std::string> ids;
  std::unordered_set<std::string> seen;
  scan_store(dir, [&](const StoreRecord& record) {
    if (is_event(record) && seen.insert(record.id).second) {
      ids.push_back(record.id);
    }
  });
  return ids;
}

// Events named by id: only they are kept as the store is read, so that replaying one costs its
// body alone, whatever the store holds.
std::vector<ReplayEvent> select_by_id(const std::filesystem::path& dir,
                                      const std::vector<std::string>& ids, StoreScan& scan) {
  std::unordered_map<std::string, std::optional<ReplayEvent>> wanted;
  for (const auto& id : ids) {
    wanted.emplace(id, std::nullopt);
  }
  scan = scan_store(dir, [&](const StoreRecord& record) {
    if (!is_event(record)) {
      return;
    }
    if (const auto it = wanted.find(record.id); it != wanted.end() && !it->second) {
      it->second = replay_event(record);
    }
  });
  std::vector<ReplayEvent> chosen;
  std::unordered_set<std::string> named;
  for (const auto& id : ids) {
    auto& found = wanted.at(id);
    if (!found) {
      not_stored(id, stored_ids(dir), dir);
    }
    if (named.insert(id).second) {
      chosen.push_back(*found);
    }
  }
  return chosen;
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
  if (!selection.ids.empty()) {
    return select_by_id(dir, selection.ids, scan);
  }
  ReplayHistory history;
  std::vector<ReplayEvent> chosen; // the first record of each selected id, oldest first
  std::unordered_set<std::string> seen;
  std::size_t held = 0; // bytes of the bodies held
  scan = scan_store_located(dir, [&](const StoreRecord& record, std::uint64_t offset) {
    if (selection.failed) {
      history.add(record);
    }
    if (is_event(record) && seen.insert(record.id).second && selected(selection, record)) {
      if (held + record.body.size() <= selection.held_bodies_bytes) {
        held += record.body.size();
        chosen.push_back(replay_event(record));
      } else {
        chosen.push_back(
            ReplayEvent{.id = record.id, .event = record.event, .body = {}, .offset = offset});
      }
    }
  });
  if (selection.failed) {
    std::erase_if(chosen, [&](const ReplayEvent& event) { return !history.failed(event.id); });
  }
  if (chosen.empty() && !selection.failed) {
    throw Error(fmt::format("no stored event to replay in {} matches the selection", dir.string()));
  }
  return chosen;
}

} // namespace linkhook
