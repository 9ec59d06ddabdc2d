#pragma once

#include "raw_client.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

struct ssl_ctx_st;

// A loopback TCP server that answers with exactly the bytes a test writes, for answers no HTTP
// server would give: a head whose body never ends, a body that drips, no answer at all; over
// TCP, or over TLS with a certificate of the test's.
namespace linkhook::test {

struct RawTls {
  std::string cert; // PEM files
  std::string key;
};

class RawServer {
public:
  // Accepts connections one after the other; for each, reads a request head, then hands the
  // connection to `answer` and closes it once `answer` returns.
  // With `tls`, each connection is a TLS one (the handshake done before the request is read).
  explicit RawServer(std::function<void(RawConnection&)> answer,
                     const std::optional<RawTls>& tls = std::nullopt);
  RawServer(const RawServer&) = delete;
  RawServer& operator=(const RawServer&) = delete;
  ~RawServer(); // stops accepting; waits for `answer`, which must end once its client is gone

  std::string url() const; // "http://127.0.0.1:PORT/", or https://

  int connections() const { return m_connections; } // accepted so far

  // True once a request head arrived (false after `timeout`).
  bool wait_for_request(std::chrono::milliseconds timeout);

private:
  void serve();

  std::function<void(RawConnection&)> m_answer;
  ssl_ctx_st* m_tls = nullptr;
  std::atomic<int> m_connections{0};
  int m_socket = -1;
  int m_port = 0;
  std::atomic<bool> m_stopping{false};
  std::mutex m_mutex;
  std::condition_variable m_arrived;
  bool m_request = false;
  std::thread m_thread;
};

} // namespace linkhook::test
