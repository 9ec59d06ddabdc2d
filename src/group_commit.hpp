#pragma once

#include "event_store.hpp"

#include <cstdint>
#include <memory>
#include <mutex>

namespace linkhook {

struct GroupCommitStats {
  std::uint64_t records = 0; // records made durable
  std::uint64_t syncs = 0;   // batches written and synced
  std::uint64_t failed = 0;  // records whose batch failed
};

// Makes records durable for many threads at once at the cost of far fewer syncs: an append
// that arrives while a sync is in flight joins the next batch, and whoever finds no batch in
// flight writes the waiting batch with one write and one fdatasync for all of it (group
// commit). A listener calls append from each request's thread, then acknowledges.
class GroupCommitWriter {
public:
  explicit GroupCommitWriter(EventStore& store) : m_store(store) {}

  // Returns once `record` is durable. Throws Error when its batch could not be written or
  // synced; then no record of that batch is stored, and a later append may succeed again.
  void append(const StoreRecord& record);

  GroupCommitStats stats() const;

private:
  struct Batch;

  EventStore& m_store;
  mutable std::mutex m_mutex;
  std::shared_ptr<Batch> m_open; // gathering records while another batch is in flight
  bool m_writing = false;
  GroupCommitStats m_stats;
};

} // namespace linkhook
