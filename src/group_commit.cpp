#include "group_commit.hpp"

#include "error.hpp"

#include <optional>

namespace linkhook {

struct GroupCommitWriter::Batch {
  std::string frames;
  std::uint64_t records = 0;
  bool done = false;
  std::optional<Error> error;
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
  while (!mine->done) {
    if (m_writing) {
      m_done.wait(lock);
      continue;
    }
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
    m_done.notify_all();
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
