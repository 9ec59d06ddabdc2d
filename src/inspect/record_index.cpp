#include "inspect/record_index.hpp"

#include "base/encoding.hpp"
#include "base/text.hpp"
#include "base/timestamp.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <iterator>

namespace linkhook {

RecordIndex::RecordIndex(std::filesystem::path dir) : m_follower(std::move(dir)) {}

void RecordIndex::refresh() {
  const std::lock_guard lock(m_mutex);
  refresh_locked();
}

void RecordIndex::refresh_locked() {
  m_follower.read(
      [this](const StoreRecord& record, std::uint64_t offset) {
        if (!m_entries.empty() && offset <= m_entries.back().offset) {
          m_entries.clear(); // the follower starts over: the store was cleared
        }
        auto [found, added] =
            m_event_numbers.try_emplace(record.event, static_cast<std::uint32_t>(m_events.size()));
        if (added) {
          m_events.push_back(record.event);
        }
        m_entries.push_back({.offset = offset,
                             .status = record.verdict.status,
                             .event = found->second,
                             .kind = record.kind,
                             .verified = record.verdict.verified});
      },
      RecordParts::summary);
}

bool RecordIndex::matches(const Entry& entry, const DeliveryQuery& query) const {
  return (!query.event || glob_match(*query.event, m_events[entry.event])) &&
         (!query.kind || *query.kind == entry.kind) &&
         (!query.verified || *query.verified == entry.verified) &&
         (!query.status || *query.status == entry.status);
}

namespace {

bool holds_text(const StoreRecord& record, const std::string& text) {
  return text.empty() || record.body.find(text) != std::string::npos ||
         std::any_of(record.headers.begin(), record.headers.end(), [&](const Header& header) {
           return header.value.find(text) != std::string::npos;
         });
}

} // namespace

// A search for `q`, newest first: the log is read backwards a window of records at a time (each
// window in one pass, decoding only the records whose bytes hold the text) until the page is full.
// A text on the newest page costs one window, whatever the size of the store.
DeliveryPage RecordIndex::search(const DeliveryQuery& query, std::vector<Entry>::iterator end) {
  constexpr std::uint64_t k_window = std::uint64_t{4} << 20; // bytes of log per pass
  std::vector<IndexedRecord> found;                          // newest first
  std::vector<IndexedRecord> window;                         // oldest first
  while (end != m_entries.begin() && found.size() <= query.limit) {
    auto first = std::prev(end);
    while (first != m_entries.begin() && end[-1].offset - first[-1].offset < k_window) {
      --first;
    }
    const auto window_end = end == m_entries.end() ? UINT64_MAX : end->offset;
    window.clear();
    m_follower.search(query.text, first->offset, window_end,
                      [&](const StoreRecord& record, std::uint64_t offset) {
                        if ((!query.event || glob_match(*query.event, record.event)) &&
                            (!query.kind || *query.kind == record.kind) &&
                            (!query.verified || *query.verified == record.verdict.verified) &&
                            (!query.status || *query.status == record.verdict.status) &&
                            holds_text(record, query.text)) {
                          window.push_back({offset, record});
                        }
                      });
    for (auto it = window.rbegin(); it != window.rend() && found.size() <= query.limit; ++it) {
      found.push_back(std::move(*it));
    }
    end = first;
  }
  DeliveryPage page;
  if (found.size() > query.limit) {
    found.pop_back();
    page.next = found.back().record_id;
  }
  page.records = std::move(found);
  return page;
}

DeliveryPage RecordIndex::page(const DeliveryQuery& query) {
  const std::lock_guard lock(m_mutex);
  refresh_locked();
  auto end = m_entries.end();
  if (query.before) {
    end = std::lower_bound(m_entries.begin(), m_entries.end(), *query.before,
                           [](const Entry& entry, std::uint64_t id) { return entry.offset < id; });
  }
  if (!query.text.empty()) {
    return search(query, end);
  }
  DeliveryPage page;
  for (auto it = end; it != m_entries.begin();) {
    --it;
    if (!matches(*it, query)) {
      continue;
    }
    if (page.records.size() == query.limit) {
      page.next = page.records.back().record_id;
      break;
    }
    if (auto record = m_follower.record_at(it->offset)) {
      page.records.push_back({it->offset, std::move(*record)});
    }
  }
  return page;
}

std::optional<StoreRecord> RecordIndex::record(std::uint64_t record_id) {
  const std::lock_guard lock(m_mutex);
  refresh_locked();
  return m_follower.record_at(record_id);
}

namespace {

// `text` as a JSON string, as nlohmann's dump writes it (bytes that are not UTF-8 replaced by
// U+FFFD), without building a JSON value.
void append_json_string(std::string& out, std::string_view text) {
  if (!is_valid_utf8(text)) {
    out += nlohmann::json(std::string(text))
               .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return;
  }
  out += '"';
  for (const char c : text) {
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\b':
      out += "\\b";
      break;
    case '\f':
      out += "\\f";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\t':
      out += "\\t";
      break;
    default:
      if (static_cast<unsigned char>(c) < 0x20) {
        out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
      } else {
        out += c;
      }
    }
  }
  out += '"';
}

} // namespace

std::string delivery_summary_text(std::uint64_t record_id, const StoreRecord& record) {
  std::string out = "{\"record_id\":\"";
  out += std::to_string(record_id);
  out += "\",\"id\":";
  append_json_string(out, record.id);
  out += ",\"event\":";
  append_json_string(out, record.event);
  // SPEC's API calls a replay's attempts record an "attempt", as its kind= filter does.
  out += ",\"kind\":\"";
  out += record.kind == RecordKind::attempts ? "attempt" : kind_name(record.kind);
  out += "\",\"status\":";
  out += std::to_string(record.verdict.status);
  out += ",\"verified\":";
  out += record.verdict.verified ? "true" : "false";
  out += ",\"reason\":";
  append_json_string(out, record.verdict.reason);
  out += ",\"at\":\"";
  out += format_iso8601_ms(record.time_ms);
  out += "\"}";
  return out;
}

nlohmann::ordered_json delivery_summary(const IndexedRecord& indexed) {
  return nlohmann::ordered_json::parse(delivery_summary_text(indexed.record_id, indexed.record));
}

nlohmann::ordered_json delivery_detail(const IndexedRecord& indexed) {
  auto json = delivery_summary(indexed);
  auto headers = nlohmann::ordered_json::array();
  for (const auto& header : indexed.record.headers) {
    headers.push_back({header.name, header.value});
  }
  json["headers"] = std::move(headers);
  if (!indexed.record.ref.empty()) {
    json["ref"] = indexed.record.ref; // a replay's attempts: the webhook-id they delivered
  }
  if (!indexed.record.extra.is_null()) {
    json["extra"] = indexed.record.extra; // a replay's attempts: the url, ending and each attempt
  }
  const auto& body = indexed.record.body;
  if (is_valid_utf8(body)) {
    json["body"] = body;
  } else {
    json["body_base64"] = base64_encode(as_bytes(body));
  }
  return json;
}

} // namespace linkhook
