#include "store/json.hpp"

#include "base/encoding.hpp"
#include "base/error.hpp"
#include "base/text.hpp"
#include "base/timestamp.hpp"

#include <fmt/format.h>
#include <optional>
#include <type_traits>

namespace linkhook {

namespace {

using Json = nlohmann::ordered_json;

Json bytes_json(const std::string& bytes) {
  return is_valid_utf8(bytes) ? Json(bytes) : Json{{"base64", base64_encode(as_bytes(bytes))}};
}

[[noreturn]] void bad_field(std::string_view field, std::string_view expected) {
  throw Error(fmt::format("record field '{}' must be {}", field, expected));
}

std::string bytes_from_json(const Json& json, std::string_view field) {
  if (json.is_string()) {
    return json.get<std::string>();
  }
  if (json.is_object() && json.contains("base64") && json["base64"].is_string()) {
    if (const auto bytes = base64_decode(json["base64"].get<std::string>())) {
      return {bytes->begin(), bytes->end()};
    }
  }
  bad_field(field, "a string or {\"base64\": \"...\"}");
}

// The field named `key`; null when it is absent and not required.
const Json* find_field(const Json& json, std::string_view key, bool required) {
  const auto it = json.find(key);
  if (it == json.end()) {
    if (required) {
      bad_field(key, "present");
    }
    return nullptr;
  }
  return &*it;
}

std::string string_field(const Json& json, std::string_view key, bool required) {
  const auto* field = find_field(json, key, required);
  if (field == nullptr) {
    return {};
  }
  if (!field->is_string()) {
    bad_field(key, "a string");
  }
  return field->get<std::string>();
}

// A field of text that may hold any bytes: a string, or {"base64": "..."} (see bytes_json).
std::string bytes_field(const Json& json, std::string_view key, bool required) {
  const auto* field = find_field(json, key, required);
  return field == nullptr ? std::string() : bytes_from_json(*field, key);
}

template <typename T>
T value_field(const Json& json, std::string_view key, std::string_view expected, T fallback) {
  const auto it = json.find(key);
  if (it == json.end()) {
    return fallback;
  }
  if ((std::is_same_v<T, bool> && !it->is_boolean()) ||
      (!std::is_same_v<T, bool> && !it->is_number_integer())) {
    bad_field(key, expected);
  }
  return it->get<T>();
}

// The record's time: ISO-8601 UTC as record_summary_json writes it, or Unix milliseconds as
// linkhook wrote it before; either within 1970 to 9999, which format_iso8601_ms can write.
std::int64_t time_field(const Json& json, std::string_view key) {
  const auto it = json.find(key);
  if (it == json.end()) {
    return 0;
  }
  std::optional<std::int64_t> ms;
  if (it->is_string()) {
    ms = parse_timestamp_ms(it->get_ref<const std::string&>());
  } else if (it->is_number_integer() && *it >= 0 && *it <= k_max_timestamp_ms) {
    ms = it->get<std::int64_t>();
  }
  if (!ms) {
    bad_field(key, "an ISO-8601 time from 1970 to 9999 (2025-10-19T10:30:00.123Z) or Unix "
                   "milliseconds");
  }
  return *ms;
}

} // namespace

std::string_view time_key(RecordKind kind) {
  return kind == RecordKind::received ? "received_at" : "sent_at";
}

Json record_summary_json(const StoreRecord& record) {
  Json json{{"id", record.id},
            {"kind", kind_name(record.kind)},
            {"event", record.event},
            {time_key(record.kind), format_iso8601_ms(record.time_ms)},
            {"verified", record.verdict.verified},
            {"duplicate", record.verdict.duplicate},
            {"status", record.verdict.status},
            {"reason", record.verdict.reason},
            {"verdict", verdict_name(record)},
            {"body_size", record.body.size()}};
  if (!record.ref.empty()) {
    json["ref"] = record.ref;
  }
  return json;
}

Json record_to_json(const StoreRecord& record) {
  auto json = record_summary_json(record);
  // The summary's text is for reading; here bytes that are not UTF-8 (a reason quoting a hostile
  // header, say) must survive an export and import, as in headers.
  json["id"] = bytes_json(record.id);
  json["event"] = bytes_json(record.event);
  json["reason"] = bytes_json(record.verdict.reason);
  if (!record.ref.empty()) {
    json["ref"] = bytes_json(record.ref);
  }
  auto headers = Json::array();
  for (const auto& header : record.headers) {
    headers.push_back(Json::array({bytes_json(header.name), bytes_json(header.value)}));
  }
  json["headers"] = std::move(headers);
  if (is_valid_utf8(record.body)) {
    json["body"] = record.body;
  } else {
    json["body_base64"] = base64_encode(as_bytes(record.body));
  }
  if (!record.extra.is_null()) {
    json["extra"] = record.extra;
  }
  return json;
}

StoreRecord record_from_json(const Json& json) {
  if (!json.is_object()) {
    throw Error("a record must be a JSON object");
  }
  StoreRecord record;
  record.id = bytes_field(json, "id", true);
  if (record.id.empty()) {
    bad_field("id", "a non-empty string");
  }
  const auto kind = parse_kind(string_field(json, "kind", true));
  if (!kind) {
    bad_field("kind", "received, sent or attempts");
  }
  record.kind = *kind;
  record.event = bytes_field(json, "event", false);
  record.time_ms = time_field(json, time_key(record.kind));
  record.verdict.verified = value_field(json, "verified", "true or false", false);
  record.verdict.duplicate = value_field(json, "duplicate", "true or false", false);
  record.verdict.status = value_field(json, "status", "an HTTP status", 0);
  record.verdict.reason = bytes_field(json, "reason", false);
  record.ref = bytes_field(json, "ref", false);
  if (const auto headers = json.find("headers"); headers != json.end()) {
    if (!headers->is_array()) {
      bad_field("headers", "an array of [name, value] pairs");
    }
    for (const auto& pair : *headers) {
      if (!pair.is_array() || pair.size() != 2) {
        bad_field("headers", "an array of [name, value] pairs");
      }
      record.headers.push_back(
          {bytes_from_json(pair[0], "headers"), bytes_from_json(pair[1], "headers")});
    }
  }
  if (json.contains("body_base64")) {
    const auto body = base64_decode(string_field(json, "body_base64", true));
    if (!body) {
      bad_field("body_base64", "base64");
    }
    record.body.assign(body->begin(), body->end());
  } else {
    record.body = string_field(json, "body", false);
  }
  if (const auto extra = json.find("extra"); extra != json.end()) {
    record.extra = *extra;
  }
  return record;
}

std::string json_line(const Json& json) {
  return json.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
}

} // namespace linkhook
