#include "inspect/live_feed.hpp"

#include "base/error.hpp"
#include "inspect/record_index.hpp"

#include <cerrno>
#include <chrono>
#include <poll.h>
#include <string>
#include <sys/eventfd.h>
#include <unistd.h>

namespace linkhook {

namespace {

// A comment sent when nothing else was for this long: a client that went away without closing
// is found out by the write, and proxies keep the stream open.
constexpr std::chrono::seconds k_keepalive{15};
// The shortest time between two reads of the store: a listener's every commit wakes the feed,
// and reading them a few at a time would cost that listener more than the events are worth.
constexpr std::chrono::milliseconds k_batch_time{10};
// Bytes of events gathered before they are pushed, so that a backlog goes out in pieces.
constexpr std::size_t k_batch_bytes = std::size_t{64} * 1024;

void append_event(std::string& out, const StoreRecord& record, std::uint64_t record_id) {
  out += "event: delivery\nid: ";
  out += std::to_string(record_id);
  out += "\ndata: ";
  out += delivery_summary_text(record_id, record);
  out += "\n\n";
}

} // namespace

LiveFeed::LiveFeed(const std::filesystem::path& store)
    : m_follower(store), m_added(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  if (!m_added) {
    throw Error(system_message("cannot set up the inspector's stream", errno));
  }
}

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
  m_streams.push_back(std::move(stream));
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto written = ::write(m_added.get(), &one, sizeof one);
}

// While no stream is open, the feed sleeps: a listener's commits do not wake it. Returns false
// once `interrupt` is readable.
bool LiveFeed::wait_for_stream(int interrupt) {
  pollfd fds[2] = {{m_added.get(), POLLIN, 0}, {interrupt, POLLIN, 0}};
  while (::poll(fds, 2, -1) < 0 && errno == EINTR) {
  }
  if ((fds[1].revents & POLLIN) != 0) {
    return false;
  }
  std::uint64_t count = 0;
  [[maybe_unused]] const auto taken = ::read(m_added.get(), &count, sizeof count);
  return true;
}

// Under the lock: to every stream, dropping those that ended.
void LiveFeed::push(std::string_view bytes) {
  std::erase_if(m_streams, [bytes](const auto& stream) { return !stream->push(bytes); });
}

// The store is read here, one record at a time as it comes; the index reads it only for the API.
void LiveFeed::run(int interrupt) {
  auto quiet_since = std::chrono::steady_clock::now();
  auto last_read = quiet_since;
  bool idle = true;
  while (true) {
    if (idle) {
      if (!wait_for_stream(interrupt)) {
        return;
      }
      const std::lock_guard lock(m_mutex);
      m_follower.skip_to_end(); // a stream gets what is appended once it is open
      idle = m_streams.empty();
      quiet_since = std::chrono::steady_clock::now();
      continue;
    }
    if (!m_follower.wait(k_keepalive, interrupt)) {
      return;
    }
    // A burst is read in batches: at most one read per k_batch_time.
    const auto since_last = std::chrono::steady_clock::now() - last_read;
    if (since_last < k_batch_time) {
      pollfd stopping{interrupt, POLLIN, 0};
      if (::poll(&stopping, 1,
                 static_cast<int>(
                     std::chrono::ceil<std::chrono::milliseconds>(k_batch_time - since_last)
                         .count())) > 0) {
        return;
      }
    }
    last_read = std::chrono::steady_clock::now();
    const std::lock_guard lock(m_mutex);
    std::string events;
    const auto read = m_follower.read(
        [&](const StoreRecord& record, std::uint64_t offset) {
          append_event(events, record, offset);
          if (events.size() >= k_batch_bytes) {
            push(events);
            events.clear();
          }
        },
        RecordParts::summary);
    if (!events.empty()) {
      push(events);
    }
    if (read > 0) {
      quiet_since = last_read;
    } else if (last_read - quiet_since >= k_keepalive) {
      push(": keepalive\n\n");
      quiet_since = last_read;
    }
    idle = m_streams.empty();
  }
}

} // namespace linkhook
