#pragma once

#include "raw_client.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

// A loopback TCP server that answers with exactly the bytes a test writes, for answers no HTTP
// server would give: a head whose body never ends, a body that drips, no answer at all.
namespace linkhook::test {

class RawServer {
public:
  // Accepts connections one after the other; for each, reads a request head, then hands the
  // connection to `answer` and closes it once `answer` returns.
  explicit RawServer(std::function<void(RawConnection&)> answer);
  RawServer(const RawServer&) = delete;
  RawServer& operator=(const RawServer&) = delete;
  ~RawServer(); // stops accepting; waits for `answer`, which must end once its client is gone

  std::string url() const; // "http://127.0.0.1:PORT/"

  // True once a request head arrived (false after `timeout`).
  bool wait_for_request(std::chrono::milliseconds timeout);

private:
  void serve();

  std::function<void(RawConnection&)> m_answer;
  int m_socket = -1;
  int m_port = 0;
  std::atomic<bool> m_stopping{false};
  std::mutex m_mutex;
  std::condition_variable m_arrived;
  bool m_request = false;
  std::thread m_thread;
};

} // namespace linkhook::test
