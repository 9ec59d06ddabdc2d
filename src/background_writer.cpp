#include "background_writer.hpp"

namespace linkhook {

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
  {
    const std::lock_guard lock(m_mutex);
    m_frames += frame;
  }
  m_wake.notify_one();
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
