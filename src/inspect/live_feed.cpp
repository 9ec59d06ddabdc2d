#include "inspect/live_feed.hpp"

#include <chrono>
#include <fmt/format.h>

namespace linkhook {

namespace {

// A comment sent when nothing else was for this long: a client that went away without closing
// is found out by the write, and proxies keep the stream open.
constexpr std::chrono::seconds k_keepalive{15};
// Records sent per round, so that a burst does not hold the lock for long.
constexpr std::size_t k_batch = 256;

std::string delivery_event(const IndexedRecord& indexed) {
  return fmt::format(
      "event: delivery\nid: {}\ndata: {}\n\n", indexed.record_id,
      delivery_summary(indexed).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

} // namespace

LiveFeed::LiveFeed(RecordIndex& index, const std::filesystem::path& store)
    : m_index(index), m_changes(store) {}

LiveFeed::~LiveFeed() {
  stop();
}

void LiveFeed::start(int interrupt) {
  m_thread = std::thread([this, interrupt] { run(interrupt); });
}

void LiveFeed::stop() {
  if (m_thread.joinable()) {
    m_thread.join();
  }
  const std::lock_guard lock(m_mutex);
  for (const auto& stream : m_streams) {
    stream->end();
  }
  m_streams.clear();
}

void LiveFeed::add(std::shared_ptr<AnswerStream> stream) {
  // An EventSource retries after this many milliseconds when the inspector restarts.
  if (!stream->push("retry: 1000\n: linkhook inspector\n\n")) {
    return;
  }
  const std::lock_guard lock(m_mutex);
  if (m_streams.empty()) {
    m_cursor = m_index.end();
  }
  m_streams.push_back(std::move(stream));
}

// Under the lock: to every stream, dropping those that ended.
void LiveFeed::push(std::string_view bytes) {
  std::erase_if(m_streams, [bytes](const auto& stream) { return !stream->push(bytes); });
}

void LiveFeed::run(int interrupt) {
  auto quiet_since = std::chrono::steady_clock::now();
  while (m_changes.wait(k_keepalive, interrupt)) {
    const std::lock_guard lock(m_mutex);
    if (m_streams.empty()) {
      continue;
    }
    bool sent = false;
    for (auto records = m_index.newer(m_cursor, k_batch); !records.empty();
         records = m_index.newer(m_cursor, k_batch)) {
      std::string events;
      for (const auto& record : records) {
        events += delivery_event(record);
      }
      push(events);
      sent = true;
    }
    const auto now = std::chrono::steady_clock::now();
    if (sent) {
      quiet_since = now;
    } else if (now - quiet_since >= k_keepalive) {
      push(": keepalive\n\n");
      quiet_since = now;
    }
  }
}

} // namespace linkhook
