#pragma once

#include "base/error.hpp"
#include "store/event_store.hpp"

#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace linkhook {

// Appends records to a store from a thread of its own, in batches of what piles up in a few
// milliseconds (or 1 MiB), each written with one write and one sync: callers never wait for a
// sync (replay's workers write one attempt history per event). finish() returns once every
// record is durable.
class BackgroundWriter {
public:
  explicit BackgroundWriter(EventStore& store);
  BackgroundWriter(const BackgroundWriter&) = delete;
  BackgroundWriter& operator=(const BackgroundWriter&) = delete;
  ~BackgroundWriter(); // finishes; an error then goes unreported

  // Queues `record`; thread-safe.
  void append(const StoreRecord& record);

  // Waits until every queued record is durable; throws the first Error a batch met.
  void finish();

private:
  void run();

  EventStore& m_store;
  std::mutex m_mutex;
  std::condition_variable m_wake;
  std::string m_frames; // queued, encoded
  bool m_closing = false;
  std::optional<Error> m_error;
  std::thread m_thread;
};

} // namespace linkhook
