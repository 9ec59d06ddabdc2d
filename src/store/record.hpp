#pragma once

#include "http/headers.hpp"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace linkhook {

// What a stored record is about. `listen` writes `received`, `send` writes `sent`, `replay`
// writes `attempts` (the attempt history of one stored event, which `ref` names). The numbers
// are on disk: add new kinds at the end.
enum class RecordKind : std::uint8_t { received = 0, sent = 1, attempts = 2 };

std::string_view kind_name(RecordKind kind);
std::optional<RecordKind> parse_kind(std::string_view name);

// How a delivery went: for `received`, how the listener judged and answered it; for `sent` and
// `attempts`, what the endpoint answered (the last attempt's status).
struct Verdict {
  bool verified = false;  // the signature matched
  bool duplicate = false; // a webhook-id seen before: acknowledged, marked, not processed twice
  int status = 0;         // the HTTP status answered or received; 0 when there was none
  std::string reason;     // why, in words: "valid", "no signature matches", "timeout", ...
  bool operator==(const Verdict&) const = default;
};

struct StoreRecord {
  std::string id; // see received_record_id and fresh_record_id
  RecordKind kind = RecordKind::received;
  std::string event;           // the payload's "event", empty when the body has none
  std::int64_t time_ms = 0;    // Unix milliseconds: received, sent or recorded
  std::vector<Header> headers; // exactly as received or sent: order and duplicates kept
  std::string body;            // the exact body bytes, any bytes
  Verdict verdict;
  std::string ref; // `attempts`: the id of the record they delivered; else empty
  // Detail of a kind that needs more (the send timings, the attempt list); null when none. It
  // lets send and replay keep what they learn without a change of the record format.
  nlohmann::ordered_json extra;
  bool operator==(const StoreRecord&) const = default;
};

// The id a received delivery is stored under: its webhook-id header when that is a plain token
// (1 to 200 printable ASCII bytes, no spaces), so that replay re-sends under the same id and a
// repeat is recognised; else a fresh "rec_..." id.
std::string received_record_id(const std::vector<Header>& headers);

// `prefix` followed by 24 random characters of [0-9a-z], e.g. "rec_" or "att_".
std::string fresh_record_id(std::string_view prefix);

// The value of the first header named `name` (compared without case), if any.
const std::string* find_header(const std::vector<Header>& headers, std::string_view name);

// One word for the verdict, as `store list` shows and filters it: "verified", "duplicate" or
// "rejected" for a received delivery; "delivered" (2xx) or "failed" for the other kinds.
std::string_view verdict_name(const StoreRecord& record);

// The record as the payload of a store frame: a compact binary form that keeps every byte.
// Decoding ignores bytes after the fields it knows, so fields can be added at the end.
std::string encode_record(const StoreRecord& record);
// `summary` leaves out the headers, the body and `extra`, for what lists records by their other
// fields (the inspector's index and live stream): decoding them is most of a record's cost.
enum class RecordParts { whole, summary };
std::optional<StoreRecord> decode_record(std::string_view payload,
                                         RecordParts parts = RecordParts::whole);

} // namespace linkhook
