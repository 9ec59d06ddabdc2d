#pragma once

#include "store/event_store.hpp"
#include "store/record.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

// Which stored events `replay` re-sends, and how their last replays ended (`store list
// --failed`, `replay --failed`).
namespace linkhook {

// A stored event to replay: what was received or sent, under the id it is re-sent with.
struct ReplayEvent {
  std::string id; // the webhook-id every attempt carries
  std::string event;
  std::string body;
  // Where its record starts in the store, when the body is not held: a StoreReader of the
  // selection's scan reads it when it is replayed. 0: the body is held.
  std::uint64_t offset = 0;
};

// Unset or empty fields select everything; `ids` alone selects exactly those.
struct ReplaySelection {
  std::vector<std::string> ids;
  std::optional<std::string> event;     // a glob over the event name
  std::optional<std::int64_t> since_ms; // stored at or after, Unix milliseconds
  bool failed = false;                  // only events whose latest replay gave up or was gone
  // The bodies a selection holds at most, in bytes: past them, an event holds only where its
  // body is, and the replay reads it back from the store (a read and a parse of its record).
  std::size_t held_bodies_bytes = std::size_t{32} << 20;
};

// The latest replay of each event, from the store's `attempts` records.
class ReplayHistory {
public:
  // Takes `attempts` records; ignores the others.
  void add(const StoreRecord& record);

  // The latest attempts record of every event whose latest replay did not end delivered, in
  // the order of those replays.
  std::vector<StoreRecord> failed() const;

  bool failed(const std::string& event_id) const;

private:
  std::vector<StoreRecord> m_records;                    // every one, oldest first
  std::unordered_map<std::string, std::size_t> m_latest; // event id → its latest in m_records
};

// How a replay ended, as its attempts record keeps it: "delivered", "gone", "gave up", ...
std::string_view replay_ending(const StoreRecord& attempts);

// Reads the store in `dir` once and returns the selected events (received or sent records; a
// received delivery the listener rejected only when named by id), one per id, in the order
// given or else oldest first. Events named by id hold their body; the others hold theirs while
// the bodies held stay within `held_bodies_bytes`, and then only where it is (`offset`). Throws
// Error (usage) for an id that is not stored, naming the closest, or a selection that finds
// nothing, except --failed: no failed replay is nothing to do, not a mistake, and selects none.
// `scan` receives what the scan skipped.
std::vector<ReplayEvent> select_replay_events(const std::filesystem::path& dir,
                                              const ReplaySelection& selection, StoreScan& scan);

} // namespace linkhook
