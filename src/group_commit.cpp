#include "group_commit.hpp"

#include "error.hpp"

#include <condition_variable>
#include <optional>

namespace linkhook {

struct GroupCommitWriter::Batch {
  std::string frames;
  std::uint64_t records = 0;
  bool done = false;
  std::optional<Error> error;
  // Wakes the batch's own writers only: when it is done, or (one of them) when the batch in
  // flight is, so that one of them writes it. A shared one would wake every waiting thread at
  // every sync, most of them to wait again.
  std::condition_variable wake;
};

void GroupCommitWriter::append(const StoreRecord& record) {
  const auto frame = encode_frame(record); // outside the lock: encoding runs in parallel
  std::unique_lock lock(m_mutex);
  if (!m_open) {
    m_open = std::make_shared<Batch>();
  }
  const auto mine = m_open;
  mine->frames += frame;
  ++mine->records;
  mine->wake.wait(lock, [&] { return mine->done || !m_writing; });
  if (!mine->done) {
    // No batch in flight, so ours is the open one: take it and write it for everyone in it.
    m_open.reset();
    m_writing = true;
    lock.unlock();
    std::optional<Error> error;
    try {
      m_store.append_frames(mine->frames);
    } catch (const Error& e) {
      error = e;
    } catch (const std::exception& e) { // anything else must not leave the writer stuck
      error = Error(e.what(), ExitCode::failed);
    }
    lock.lock();
    m_writing = false;
    mine->done = true;
    mine->error = std::move(error);
    (mine->error ? m_stats.failed : m_stats.records) += mine->records;
    m_stats.syncs += mine->error ? 0U : 1U;
    mine->wake.notify_all();
    if (m_open) {
      m_open->wake.notify_one(); // the next batch's turn
    }
  }
  if (mine->error) {
    throw Error(*mine->error); // every writer in the batch throws its own copy
  }
}

GroupCommitStats GroupCommitWriter::stats() const {
  const std::lock_guard lock(m_mutex);
  return m_stats;
}

} // namespace linkhook
