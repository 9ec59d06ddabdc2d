#include "net/connections.hpp"

#include <system_error>

namespace linkhook {

ConnectionWorkers::ConnectionWorkers(std::size_t ready, std::size_t max)
    : m_max(std::max(ready, max)) {
  const std::lock_guard lock(m_mutex);
  for (std::size_t i = 0; i < ready; ++i) {
    start(true);
  }
}

ConnectionWorkers::~ConnectionWorkers() {
  shutdown();
}

void ConnectionWorkers::start(bool kept) {
  const auto self = m_threads.emplace(m_threads.end());
  // The thread takes the lock before it looks at `self`, so the assignment is done by then.
  *self = std::thread([this, self, kept] { work(self, kept); });
}

void ConnectionWorkers::enqueue(std::function<void()> job) {
  Threads ended;
  {
    const std::lock_guard lock(m_mutex);
    for (const auto thread : m_ended) {
      ended.splice(ended.end(), m_threads, thread);
    }
    m_ended.clear();
    m_jobs.push_back(std::move(job));
    if (m_idle < m_jobs.size() && m_threads.size() < m_max) {
      try {
        start(false);
      } catch (const std::system_error&) {
        m_threads.pop_back(); // no thread to be had: the connection waits for a worker
      }
    }
  }
  m_wake.notify_one();
  for (auto& thread : ended) {
    thread.join(); // it has left work(): this returns at once
  }
}

void ConnectionWorkers::work(Threads::iterator self, bool kept) {
  std::unique_lock lock(m_mutex);
  while (true) {
    if (m_jobs.empty()) {
      if (m_shutdown || !kept) {
        break;
      }
      ++m_idle;
      m_wake.wait(lock, [this] { return !m_jobs.empty() || m_shutdown; });
      --m_idle;
      continue;
    }
    auto job = std::move(m_jobs.front());
    m_jobs.pop_front();
    lock.unlock();
    job();
    lock.lock();
  }
  if (!kept && !m_shutdown) {
    m_ended.push_back(self); // joined by the next enqueue
  }
}

void ConnectionWorkers::shutdown() {
  Threads threads;
  {
    const std::lock_guard lock(m_mutex);
    m_shutdown = true;
    threads.swap(m_threads);
    m_ended.clear();
  }
  m_wake.notify_all();
  for (auto& thread : threads) {
    thread.join();
  }
}

} // namespace linkhook
