#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <httplib.h>
#include <list>
#include <mutex>
#include <thread>
#include <vector>

namespace linkhook {

// The listener's task queue: cpp-httplib hands it each accepted connection, and one thread
// serves that connection from its first byte to its last keep-alive request. With a fixed pool
// (httplib::ThreadPool), a crowd of idle or slowloris connections holds every worker until
// --io-timeout frees it, while genuine deliveries wait in the queue behind them. Here `ready`
// workers are kept, a connection that finds them all busy gets a thread of its own, up to
// `max` threads at once, and such a thread ends with its connection. Beyond `max`, connections
// wait for a worker.
class ConnectionWorkers final : public httplib::TaskQueue {
public:
  ConnectionWorkers(std::size_t ready, std::size_t max);
  ConnectionWorkers(const ConnectionWorkers&) = delete;
  ConnectionWorkers& operator=(const ConnectionWorkers&) = delete;
  ~ConnectionWorkers() override;

  void enqueue(std::function<void()> job) override;
  // Serves the connections still waiting, then ends every thread.
  void shutdown() override;

private:
  using Threads = std::list<std::thread>;

  void start(bool kept); // with the lock held
  void work(Threads::iterator self, bool kept);

  std::size_t m_max;
  std::mutex m_mutex; // guards what follows
  std::condition_variable m_wake;
  std::deque<std::function<void()>> m_jobs;
  Threads m_threads;
  std::vector<Threads::iterator> m_ended; // extra threads done with their connection
  std::size_t m_idle = 0;
  bool m_shutdown = false;
};

} // namespace linkhook
