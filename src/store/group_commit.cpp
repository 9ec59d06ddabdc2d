#include "store/group_commit.hpp"

#include "base/error.hpp"

#include <atomic>
#include <optional>

namespace linkhook {

struct GroupCommitWriter::Batch {
  std::string frames;
  std::uint64_t records = 0;
  std::optional<Error> error; // set before `done`
  // 1 once the batch is written (or failed). Its writers wait on it without a lock, so a
  // finished batch wakes them with one futex call and they do not queue for a mutex after.
  std::atomic<int> done = 0;
};

GroupCommitWriter::GroupCommitWriter(EventStore& store)
    : m_store(store), m_thread([this](const std::stop_token& stop) { write_batches(stop); }) {}

GroupCommitWriter::~GroupCommitWriter() {
  m_thread.request_stop();
  m_thread.join();
}

void GroupCommitWriter::append(const StoreRecord& record) {
  const auto frame = encode_frame(record); // outside the lock: encoding runs in parallel
  std::shared_ptr<Batch> mine;
  {
    const std::lock_guard lock(m_mutex);
    if (!m_open) {
      m_open = std::make_shared<Batch>();
    }
    mine = m_open;
    mine->frames += frame;
    ++mine->records;
    if (m_idle) {
      m_idle = false;
      m_work.notify_one();
    }
  }
  mine->done.wait(0, std::memory_order_acquire);
  if (mine->error) {
    throw Error(*mine->error); // every writer in the batch throws its own copy
  }
}

void GroupCommitWriter::write_batches(const std::stop_token& stop) {
  std::unique_lock lock(m_mutex);
  for (;;) {
    m_idle = !m_open;
    // Stops only when nothing is open: a batch that was joined is always written.
    if (!m_work.wait(lock, stop, [&] { return m_open != nullptr; })) {
      return;
    }
    const auto batch = std::move(m_open);
    m_open.reset();
    lock.unlock();
    try {
      m_store.append_frames(batch->frames);
    } catch (const Error& e) {
      batch->error = e;
    } catch (const std::exception& e) { // anything else must not leave its writers waiting
      batch->error = Error(e.what(), ExitCode::failed);
    }
    lock.lock();
    (batch->error ? m_stats.failed : m_stats.records) += batch->records;
    m_stats.syncs += batch->error ? 0U : 1U;
    batch->done.store(1, std::memory_order_release);
    batch->done.notify_all();
  }
}

GroupCommitStats GroupCommitWriter::stats() const {
  const std::lock_guard lock(m_mutex);
  return m_stats;
}

} // namespace linkhook
