#pragma once

#include "base/posix_file.hpp"
#include "http/request_reader.hpp"
#include "net/inbox.hpp"
#include "net/server.hpp"
#include "net/timer_list.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

// The inside of HttpServer (net/server.hpp): its state, its event loops and their connections.
// server.cpp binds and runs the loops; server_loop.cpp is a loop. Nothing else includes this.
namespace linkhook {

// The event loop's parts: a namespace of their own, named, as ServerState holds them.
namespace server_loop {

class Loop;

enum class Phase {
  handshake, // TLS: waiting for the handshake to complete
  reading,   // reading a request (or waiting for the next one)
  working,   // the handler has the request (on a worker, or answering later): the loop leaves the
             // request and the answer alone
  delaying,  // holding the answer (answer.delay_ms)
  writing,   // sending the answer
  streaming, // sending a streamed answer (HttpServer::Later::stream), as its bytes come
  lingering, // after a last answer: reading and dropping what the client still sends
  closed,    // deleted once the loop is done with its current events
};

struct Connection final : Timer {
  Connection(Transport accepted, Loop& owner, std::size_t max_body)
      : transport(std::move(accepted)), fd(transport.socket()), loop(owner), reader(max_body) {}

  Transport transport;
  int fd;
  Loop& loop;
  RequestReader reader;
  std::string pending; // read past the request being served: the next ones, pipelined
  std::string out;
  std::size_t sent = 0;
  HttpAnswer answer;
  std::shared_ptr<AnswerStream> stream; // set when the answer is streamed
  Phase phase = Phase::handshake;
  bool readable = false; // edge-triggered: the socket may hold more than was read
  bool handshake_wants_write = false;
  bool hung_up = false; // the client closed or reset: read until the end, whatever a read got
  bool keep_alive = true;
  bool head_only = false;
  bool linger = false;       // the client may still be sending (a body that was not read)
  bool streamed_all = false; // the stream ended: close once what it gave is sent
  std::size_t drained = 0;
  Connection* prev = nullptr; // the loop's connections
  Connection* next = nullptr;
};

// Threads that run the handler of requests whose handling may block.
class Workers {
public:
  Workers(std::size_t count, std::function<void(Connection&)> work) : m_work(std::move(work)) {
    for (std::size_t i = 0; i < count; ++i) {
      m_threads.emplace_back([this] { serve(); });
    }
  }
  Workers(const Workers&) = delete;
  Workers& operator=(const Workers&) = delete;
  ~Workers() {
    {
      const std::lock_guard lock(m_mutex);
      m_closing = true;
    }
    m_wake.notify_all();
    for (auto& thread : m_threads) {
      thread.join();
    }
  }

  void add(Connection& connection) {
    {
      const std::lock_guard lock(m_mutex);
      m_queue.push_back(&connection);
    }
    m_wake.notify_one();
  }

private:
  void serve() {
    std::unique_lock lock(m_mutex);
    while (true) {
      m_wake.wait(lock, [this] { return m_closing || !m_queue.empty(); });
      if (m_queue.empty()) {
        return;
      }
      auto* connection = m_queue.front();
      m_queue.pop_front();
      lock.unlock();
      m_work(*connection);
      lock.lock();
    }
  }

  std::function<void(Connection&)> m_work;
  std::mutex m_mutex; // guards what follows
  std::condition_variable m_wake;
  std::deque<Connection*> m_queue;
  bool m_closing = false;
  std::vector<std::thread> m_threads; // last: they start once everything above is ready
};

} // namespace server_loop

using server_loop::Connection;
using server_loop::Loop;
using server_loop::Phase;
using server_loop::Workers;

class ServerState {
public:
  ServerState(HttpServer::Handler h, ServerOptions o, const TlsContext* t)
      : handler(std::move(h)), options(o), tls(t) {}

  // Runs the handler for `connection`'s request into its answer; false when it answers later
  // (through Loop::answered_elsewhere).
  bool answer(Connection& connection) const;

  HttpServer::Handler handler;
  ServerOptions options;
  const TlsContext* tls;
  FileDescriptor listening;
  int port = 0;
  std::atomic<std::size_t> connections{0};
  std::atomic<bool> stopping{false};
  std::unique_ptr<Workers> workers; // while running, with options.workers
  std::vector<std::unique_ptr<Loop>> loops;
};

namespace server_loop {

class Loop {
public:
  explicit Loop(ServerState& server);
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;
  ~Loop();

  // Serves until the server stops and every connection of this loop has ended.
  void run();
  void wake();
  // From the thread that finished `connection`'s answer (a worker, or a store's writer for an
  // answer given later): it is ready to go out.
  void answered_elsewhere(Connection& connection);

private:
  void accept_connections();
  bool evict_one();
  void on_event(Connection& c, std::uint32_t events);
  void take_answered();
  void handshake(Connection& c);
  void read(Connection& c);
  void serve(Connection& c);
  void answered(Connection& c);
  void flush(Connection& c);
  void pump(Connection& c);
  void start_lingering(Connection& c);
  void drain(Connection& c);
  void close(Connection& c);
  void expire();
  int wait_ms() const;
  void begin_stop();
  void arm_idle(Connection& c) {
    m_idle.arm(c, m_now + std::chrono::milliseconds(m_server.options.io_timeout_ms));
  }

  ServerState& m_server;
  FileDescriptor m_epoll;
  FileDescriptor m_spare; // given up to accept (and close) a connection when out of descriptors
  TimerList m_idle;       // io_timeout: waits, head deadlines, handshakes, stalled reads/writes
  TimerList m_delays;     // answers held back
  TimerList m_lingers;    // waits after a last answer
  Inbox<Connection> m_answered;            // and stop's wake-up
  std::vector<Connection*> m_answered_now; // taken from it
  std::vector<Connection*> m_closed;
  std::vector<Connection*> m_streaming; // whose streams push() may have given bytes
  Connection* m_first = nullptr;
  std::size_t m_count = 0;
  bool m_stopping = false;
  // When the current round of events began: what timers are armed from (a clock read per round,
  // not per request).
  SteadyClock::time_point m_now = SteadyClock::now();
  std::unique_ptr<char[]> m_buffer;
};

} // namespace server_loop

} // namespace linkhook
