#pragma once

#include "store/event_store.hpp"

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>

namespace linkhook {

struct GroupCommitStats {
  std::uint64_t records = 0; // records made durable
  std::uint64_t syncs = 0;   // batches written and synced
  std::uint64_t failed = 0;  // records whose batch failed
};

// Makes records durable for many threads at once at the cost of far fewer syncs (group
// commit): appends gather in the open batch while a batch is being written, and the writer's
// own thread takes the open batch the moment the sync before it returns, writing it with one
// write and one fdatasync. A listener calls append from each request's thread, then
// acknowledges.
class GroupCommitWriter {
public:
  explicit GroupCommitWriter(EventStore& store);
  // Writes what is still open, then stops the writer's thread.
  ~GroupCommitWriter();
  GroupCommitWriter(const GroupCommitWriter&) = delete;
  GroupCommitWriter& operator=(const GroupCommitWriter&) = delete;

  // Returns once `record` is durable. Throws Error when its batch could not be written or
  // synced; then no record of that batch is stored, and a later append may succeed again.
  void append(const StoreRecord& record);

  GroupCommitStats stats() const;

private:
  struct Batch;

  void write_batches(const std::stop_token& stop);

  EventStore& m_store;
  mutable std::mutex m_mutex;
  std::condition_variable_any m_work; // the writer's thread waits here for an open batch
  std::shared_ptr<Batch> m_open;      // gathering records while another batch is written
  bool m_idle = false;                // the writer's thread waits for m_work
  GroupCommitStats m_stats;
  std::jthread m_thread; // last: it starts once everything above is ready
};

} // namespace linkhook
