#include "store/background_writer.hpp"

#include <chrono>

namespace linkhook {

namespace {

constexpr std::size_t k_batch_bytes = std::size_t{1} << 20;
constexpr auto k_gather = std::chrono::milliseconds(5);

} // namespace

BackgroundWriter::BackgroundWriter(EventStore& store)
    : m_store(store), m_thread([this] { run(); }) {}

BackgroundWriter::~BackgroundWriter() {
  try {
    finish();
  } catch (const Error&) {
  }
}

void BackgroundWriter::append(const StoreRecord& record) {
  const auto frame = encode_frame(record); // outside the lock: encoding runs in parallel
  bool wake = false;
  {
    const std::lock_guard lock(m_mutex);
    // The writer wants to know when a batch starts and when it is full, not of every record.
    wake = m_frames.empty() ||
           (m_frames.size() < k_batch_bytes && m_frames.size() + frame.size() >= k_batch_bytes);
    m_frames += frame;
  }
  if (wake) {
    m_wake.notify_one();
  }
}

void BackgroundWriter::finish() {
  if (m_thread.joinable()) {
    {
      const std::lock_guard lock(m_mutex);
      m_closing = true;
    }
    m_wake.notify_one();
    m_thread.join();
  }
  if (m_error) {
    throw Error(*m_error);
  }
}

void BackgroundWriter::run() {
  std::unique_lock lock(m_mutex);
  for (;;) {
    m_wake.wait(lock, [this] { return !m_frames.empty() || m_closing; });
    if (m_frames.empty()) {
      return; // closing, and everything is written
    }
    // Let the batch gather for a moment: no one waits for it, and a sync per handful of
    // records would cost more than the workers' sending.
    m_wake.wait_for(lock, k_gather,
                    [this] { return m_frames.size() >= k_batch_bytes || m_closing; });
    std::string batch;
    batch.swap(m_frames);
    lock.unlock();
    std::optional<Error> error;
    try {
      m_store.append_frames(batch);
    } catch (const Error& e) {
      error = e;
    } catch (const std::exception& e) { // anything else must not end the thread
      error = Error(e.what(), ExitCode::failed);
    }
    lock.lock();
    if (error && !m_error) {
      m_error = std::move(error);
    }
  }
}

} // namespace linkhook
