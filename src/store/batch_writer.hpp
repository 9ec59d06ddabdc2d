#pragma once

#include "base/error.hpp"
#include "store/event_store.hpp"

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

namespace linkhook {

struct BatchWriterStats {
  std::uint64_t records = 0; // records made durable
  std::uint64_t syncs = 0;   // batches written and synced
  std::uint64_t failed = 0;  // records whose batch failed
};

// Appends records to a store for many threads at once at the cost of far fewer syncs: records
// gather in the open batch while the batch before it is written, and the writer's own thread
// writes each batch with one write and one fdatasync. Records are stored in the order their
// calls took the lock, so one thread's records keep their order.
//
// Two kinds of caller share it:
// - commit() waits until its record is durable (group commit): send reports a delivery only
//   then; commit_later() is the same without the wait (a listener's event loop acknowledges a
//   request from its callback). A batch someone waits for is written the
//   moment the sync before it returns.
// - queue() returns at once (replay's workers write one attempt history per event and must not
//   wait for a sync). A batch of queued records only gathers for a few milliseconds (or up to
//   1 MiB) first, as a sync per handful of records would cost more than the sending.
class BatchWriter {
public:
  explicit BatchWriter(EventStore& store);
  // Writes what is still open, then stops the writer's thread; an error then goes unreported.
  ~BatchWriter();
  BatchWriter(const BatchWriter&) = delete;
  BatchWriter& operator=(const BatchWriter&) = delete;

  // Returns once `record` is durable. Throws Error when its batch could not be written or
  // synced; then no record of that batch is stored, and a later call may succeed again.
  void commit(const StoreRecord& record);

  // Returns at once; `done` is called from the writer's thread once `record` is durable, or with
  // the Error that its batch met (as for commit()). It must be quick: the next batch waits.
  using Committed = std::function<void(const Error* error)>;
  void commit_later(const StoreRecord& record, Committed done);

  // Queues `record` and returns at once; finish() reports whether it became durable.
  void queue(const StoreRecord& record);

  // Waits until every record is durable and stops the writer's thread; throws the first Error
  // a batch holding queued records met (commit() reports its own batch's errors). No call to
  // commit() or queue() may follow.
  void finish();

  BatchWriterStats stats() const;

private:
  struct Batch;
  // What the writer's thread is doing, so that callers wake it only when it waits for them.
  enum class Phase { writing, idle, gathering };

  std::shared_ptr<Batch> add(const StoreRecord& record, bool awaited, Committed done = {});
  bool ready_to_write() const; // with m_mutex held and a batch open
  void write_batches();

  EventStore& m_store;
  mutable std::mutex m_mutex;
  std::condition_variable m_work; // the writer's thread waits here
  std::shared_ptr<Batch> m_open;  // gathering records while another batch is written
  Phase m_phase = Phase::writing;
  bool m_closing = false;
  std::optional<Error> m_queued_error; // the first failure of a batch with queued records
  BatchWriterStats m_stats;
  std::thread m_thread; // last: it starts once everything above is ready
};

} // namespace linkhook
