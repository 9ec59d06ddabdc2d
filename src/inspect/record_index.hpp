#pragma once

#include "store/event_store.hpp"
#include "store/record.hpp"

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

// The store's records as the inspector lists them: newest first, filtered, a page at a time. The
// index follows the store as any process appends to it, and keeps of each record only where it
// is and what the filters need without its body, a few bytes each: a store of a million records
// takes tens of megabytes, and each page reads only the records it shows.
namespace linkhook {

// One query of `api/deliveries`. Unset fields match everything.
struct DeliveryQuery {
  std::optional<std::string> event; // a glob over the event name
  std::optional<RecordKind> kind;
  std::optional<bool> verified;
  std::optional<int> status;
  std::string text;                    // q: bytes the body or a header value holds
  std::size_t limit = 50;              // records per page
  std::optional<std::uint64_t> before; // a cursor: only records older than this record id
};

// A record and its id: where its frame starts in the log. Ids stay valid until `store clear`.
struct IndexedRecord {
  std::uint64_t record_id = 0;
  StoreRecord record;
};

struct DeliveryPage {
  std::vector<IndexedRecord> records; // newest first
  std::optional<std::uint64_t> next;  // the cursor of the next page, when there may be one
};

class RecordIndex {
public:
  explicit RecordIndex(std::filesystem::path dir);

  // Takes in what was appended since the last call (thread-safe, as are the others).
  void refresh();

  DeliveryPage page(const DeliveryQuery& query);

  // The record with this id; none when there is none (or the store was cleared since).
  std::optional<StoreRecord> record(std::uint64_t record_id);

private:
  struct Entry {
    std::uint64_t offset;
    std::int32_t status;
    std::uint32_t event; // into m_events
    RecordKind kind;
    bool verified;
  };

  bool matches(const Entry& entry, const DeliveryQuery& query) const;
  DeliveryPage search(const DeliveryQuery& query, std::vector<Entry>::iterator end);
  void refresh_locked();

  std::mutex m_mutex;
  StoreFollower m_follower;
  std::vector<Entry> m_entries; // oldest first
  std::vector<std::string> m_events;
  std::unordered_map<std::string, std::uint32_t> m_event_numbers;
};

// The summary of `api/deliveries`: record_id, id, event, kind, status, verified, reason, at; as
// JSON text on one line, written directly (api/stream sends one for every record appended), and
// as a JSON value.
std::string delivery_summary_text(std::uint64_t record_id, const StoreRecord& record);
nlohmann::ordered_json delivery_summary(const IndexedRecord& indexed);

// The detail of `api/deliveries/ID`: the summary, the headers in order and the body (as text, or
// as body_base64 when the bytes are not UTF-8); for a replay's attempts, `ref` and `extra` too.
nlohmann::ordered_json delivery_detail(const IndexedRecord& indexed);

} // namespace linkhook
