#include "store/batch_writer.hpp"

#include <atomic>
#include <chrono>
#include <vector>

namespace linkhook {

namespace {

constexpr std::size_t k_batch_bytes = std::size_t{1} << 20;
constexpr auto k_gather = std::chrono::milliseconds(5);

} // namespace

struct BatchWriter::Batch {
  std::string frames;
  std::uint64_t records = 0;
  bool awaited = false;             // a commit() waits for it: written without gathering
  bool queued = false;              // holds a queue()d record: finish() reports its error
  std::optional<Error> error;       // set before `done`
  std::vector<Committed> committed; // commit_later()'s callbacks
  // 1 once the batch is written (or failed). Its committers wait on it without a lock, so a
  // finished batch wakes them with one futex call and they do not queue for a mutex after.
  std::atomic<int> done = 0;
};

BatchWriter::BatchWriter(EventStore& store)
    : m_store(store), m_thread([this] { write_batches(); }) {}

BatchWriter::~BatchWriter() {
  try {
    finish();
  } catch (const Error&) {
  }
}

void BatchWriter::commit(const StoreRecord& record) {
  const auto mine = add(record, true);
  mine->done.wait(0, std::memory_order_acquire);
  if (mine->error) {
    throw Error(*mine->error); // every committer in the batch throws its own copy
  }
}

void BatchWriter::commit_later(const StoreRecord& record, Committed done) {
  add(record, true, std::move(done));
}

void BatchWriter::queue(const StoreRecord& record) {
  add(record, false);
}

std::shared_ptr<BatchWriter::Batch> BatchWriter::add(const StoreRecord& record, bool awaited,
                                                     Committed done) {
  const auto frame = encode_frame(record); // outside the lock: encoding runs in parallel
  std::shared_ptr<Batch> mine;
  bool wake = false;
  {
    const std::lock_guard lock(m_mutex);
    if (!m_open) {
      m_open = std::make_shared<Batch>();
    }
    mine = m_open;
    mine->frames += frame;
    ++mine->records;
    if (done) {
      mine->committed.push_back(std::move(done));
    }
    (awaited ? mine->awaited : mine->queued) = true;
    // The writer's thread wants to know when a batch starts and when it is ready, not of every
    // record; once woken, what it waits for stays true until it takes the batch.
    wake = m_phase == Phase::idle || (m_phase == Phase::gathering && ready_to_write());
    if (wake) {
      m_phase = Phase::writing;
    }
  }
  if (wake) {
    m_work.notify_one();
  }
  return mine;
}

bool BatchWriter::ready_to_write() const {
  return m_open->awaited || m_open->frames.size() >= k_batch_bytes || m_closing;
}

void BatchWriter::finish() {
  if (m_thread.joinable()) {
    {
      const std::lock_guard lock(m_mutex);
      m_closing = true;
      m_phase = Phase::writing;
    }
    m_work.notify_one();
    m_thread.join();
  }
  if (m_queued_error) {
    throw Error(*m_queued_error);
  }
}

void BatchWriter::write_batches() {
  std::unique_lock lock(m_mutex);
  for (;;) {
    // Stops only when nothing is open: a batch that was joined is always written.
    m_phase = Phase::idle;
    m_work.wait(lock, [this] { return m_open != nullptr || m_closing; });
    if (!m_open) {
      return;
    }
    if (!ready_to_write()) {
      m_phase = Phase::gathering;
      m_work.wait_for(lock, k_gather, [this] { return ready_to_write(); });
    }
    m_phase = Phase::writing;
    const auto batch = std::move(m_open);
    m_open.reset();
    lock.unlock();
    try {
      m_store.append_frames(batch->frames);
    } catch (const Error& e) {
      batch->error = e;
    } catch (const std::exception& e) { // anything else must not leave its committers waiting
      batch->error = Error(e.what(), ExitCode::failed);
    }
    for (const auto& done : batch->committed) {
      done(batch->error ? &*batch->error : nullptr);
    }
    lock.lock();
    (batch->error ? m_stats.failed : m_stats.records) += batch->records;
    m_stats.syncs += batch->error ? 0U : 1U;
    if (batch->error && batch->queued && !m_queued_error) {
      m_queued_error = batch->error;
    }
    batch->done.store(1, std::memory_order_release);
    batch->done.notify_all();
  }
}

BatchWriterStats BatchWriter::stats() const {
  const std::lock_guard lock(m_mutex);
  return m_stats;
}

} // namespace linkhook
