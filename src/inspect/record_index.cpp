#include "inspect/record_index.hpp"

#include "base/encoding.hpp"
#include "base/text.hpp"
#include "base/timestamp.hpp"

#include <algorithm>
#include <deque>
#include <iterator>

namespace linkhook {

RecordIndex::RecordIndex(std::filesystem::path dir) : m_follower(std::move(dir)) {}

void RecordIndex::refresh() {
  const std::lock_guard lock(m_mutex);
  refresh_locked();
}

void RecordIndex::refresh_locked() {
  m_follower.read([this](const StoreRecord& record, std::uint64_t offset) {
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
  });
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

// A search for `q`: one pass over the log, which decodes only the records whose bytes hold the
// text, keeping the newest limit + 1 that match.
DeliveryPage RecordIndex::search(const DeliveryQuery& query) {
  std::deque<IndexedRecord> newest;
  m_follower.search(query.text, [&](const StoreRecord& record, std::uint64_t offset) {
    if ((query.before && offset >= *query.before) ||
        (query.event && !glob_match(*query.event, record.event)) ||
        (query.kind && *query.kind != record.kind) ||
        (query.verified && *query.verified != record.verdict.verified) ||
        (query.status && *query.status != record.verdict.status) ||
        !holds_text(record, query.text)) {
      return;
    }
    newest.push_back({offset, record});
    if (newest.size() > query.limit + 1) {
      newest.pop_front();
    }
  });
  DeliveryPage page;
  if (newest.size() > query.limit) {
    newest.pop_front();
    page.next = newest.front().record_id;
  }
  page.records.assign(std::make_move_iterator(newest.rbegin()),
                      std::make_move_iterator(newest.rend()));
  return page;
}

DeliveryPage RecordIndex::page(const DeliveryQuery& query) {
  const std::lock_guard lock(m_mutex);
  refresh_locked();
  if (!query.text.empty()) {
    return search(query);
  }
  DeliveryPage page;
  auto end = m_entries.end();
  if (query.before) {
    end = std::lower_bound(m_entries.begin(), m_entries.end(), *query.before,
                           [](const Entry& entry, std::uint64_t id) { return entry.offset < id; });
  }
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

nlohmann::ordered_json delivery_summary(const IndexedRecord& indexed) {
  const auto& record = indexed.record;
  return {{"record_id", std::to_string(indexed.record_id)},
          {"id", record.id},
          {"event", record.event},
          // SPEC's API calls a replay's attempts record an "attempt", as its kind= filter does.
          {"kind", record.kind == RecordKind::attempts ? "attempt" : kind_name(record.kind)},
          {"status", record.verdict.status},
          {"verified", record.verdict.verified},
          {"reason", record.verdict.reason},
          {"at", format_iso8601_ms(record.time_ms)}};
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
