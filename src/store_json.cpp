#include "store_json.hpp"

#include "error.hpp"
#include "text.hpp"

#include <array>
#include <fmt/format.h>
#include <type_traits>

namespace linkhook {

namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view k_base64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    std::uint32_t group = 0;
    const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
    for (std::size_t k = 0; k < 3; ++k) {
      group = (group << 8) | (k < n ? static_cast<unsigned char>(bytes[i + k]) : 0U);
    }
    for (std::size_t k = 0; k < 4; ++k) {
      out.push_back(k <= n ? k_base64[(group >> (18 - 6 * k)) & 0x3fU] : '=');
    }
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  static const auto k_values = [] {
    std::array<int, 256> values{};
    values.fill(-1);
    for (std::size_t i = 0; i < k_base64.size(); ++i) {
      values[static_cast<unsigned char>(k_base64[i])] = static_cast<int>(i);
    }
    return values;
  }();
  while (!text.empty() && text.back() == '=') {
    text.remove_suffix(1);
  }
  std::string out;
  std::uint32_t group = 0;
  int bits = 0;
  for (const char c : text) {
    const int value = k_values[static_cast<unsigned char>(c)];
    if (value < 0) {
      return std::nullopt;
    }
    group = (group << 6) | static_cast<std::uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((group >> bits) & 0xffU));
    }
  }
  return out;
}

Json bytes_json(const std::string& bytes) {
  return is_valid_utf8(bytes) ? Json(bytes) : Json{{"base64", base64_encode(bytes)}};
}

[[noreturn]] void bad_field(std::string_view field, std::string_view expected) {
  throw Error(fmt::format("record field '{}' must be {}", field, expected));
}

std::string bytes_from_json(const Json& json, std::string_view field) {
  if (json.is_string()) {
    return json.get<std::string>();
  }
  if (json.is_object() && json.contains("base64") && json["base64"].is_string()) {
    if (auto bytes = base64_decode(json["base64"].get<std::string>())) {
      return *bytes;
    }
  }
  bad_field(field, "a string or {\"base64\": \"...\"}");
}

std::string string_field(const Json& json, std::string_view key, bool required) {
  const auto it = json.find(key);
  if (it == json.end()) {
    if (required) {
      bad_field(key, "present");
    }
    return {};
  }
  if (!it->is_string()) {
    bad_field(key, "a string");
  }
  return it->get<std::string>();
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

} // namespace

std::string_view time_key(RecordKind kind) {
  return kind == RecordKind::received ? "received_at" : "sent_at";
}

Json record_summary_json(const StoreRecord& record) {
  Json json{{"id", record.id},
            {"kind", kind_name(record.kind)},
            {"event", record.event},
            {time_key(record.kind), record.time_ms},
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
  auto headers = Json::array();
  for (const auto& header : record.headers) {
    headers.push_back(Json::array({bytes_json(header.name), bytes_json(header.value)}));
  }
  json["headers"] = std::move(headers);
  if (is_valid_utf8(record.body)) {
    json["body"] = record.body;
  } else {
    json["body_base64"] = base64_encode(record.body);
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
  record.id = string_field(json, "id", true);
  if (record.id.empty()) {
    bad_field("id", "a non-empty string");
  }
  const auto kind = parse_kind(string_field(json, "kind", true));
  if (!kind) {
    bad_field("kind", "received, sent or attempts");
  }
  record.kind = *kind;
  record.event = string_field(json, "event", false);
  record.time_ms = value_field<std::int64_t>(json, time_key(record.kind), "Unix milliseconds", 0);
  record.verdict.verified = value_field(json, "verified", "true or false", false);
  record.verdict.duplicate = value_field(json, "duplicate", "true or false", false);
  record.verdict.status = value_field(json, "status", "an HTTP status", 0);
  record.verdict.reason = string_field(json, "reason", false);
  record.ref = string_field(json, "ref", false);
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
    auto body = base64_decode(string_field(json, "body_base64", true));
    if (!body) {
      bad_field("body_base64", "base64");
    }
    record.body = std::move(*body);
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
