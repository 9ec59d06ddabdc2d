#pragma once

#include "store/record.hpp"

#include <nlohmann/json.hpp>
#include <string>

// The JSON form of stored records: what `store list --json`, `store show --json` and
// `store export` print and `store import` reads back.
namespace linkhook {

// The key of the record's time: "received_at" for received deliveries, "sent_at" otherwise.
std::string_view time_key(RecordKind kind);

// {"id","kind","event",time_key,"verified","duplicate","status","reason","verdict",
//  "body_size"} and "ref" when set: one line of `store list --json`.
nlohmann::ordered_json record_summary_json(const StoreRecord& record);

// The whole record, losslessly: the summary, "headers" as [name, value] pairs in order,
// "body" (valid UTF-8) or "body_base64" (other bytes), and "extra" when set. A header name or
// value, id, event, reason or ref that is not valid UTF-8 stands as {"base64": "..."} instead of
// a string.
nlohmann::ordered_json record_to_json(const StoreRecord& record);

// A record back from record_to_json's form; throws Error naming the field that is wrong.
StoreRecord record_from_json(const nlohmann::ordered_json& json);

// One JSON text on one line, never throwing on odd bytes in strings.
std::string json_line(const nlohmann::ordered_json& json);

} // namespace linkhook
