#pragma once

#include "net/client.hpp"
#include "net/inbox.hpp"
#include "net/timer_list.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

// Many posts at once from one thread, as `send` makes them: an epoll loop over lanes, each a
// kept-alive connection that posts one request at a time, with timers for the waits between
// posts (retries, --rate) and for every post's deadline. No thread waits on a socket, so a loop
// per core carries any concurrency.
namespace linkhook {

class ClientLoop;

// One lane of a ClientLoop: what posts on it subclasses it. The loop calls begin() once, then
// posted() or woken() after each post() or wait the lane asked for, one at a time, on the loop's
// thread. A lane asks for at most one thing at a time; when it asked for nothing by the time a
// call returns, it is done.
class PostLane : public Timer {
public:
  // `tls` (kept by the caller while the loop runs) for an https:// url.
  PostLane(ClientLoop& loop, const Url& url, double timeout_s, const TlsContext* tls);
  virtual ~PostLane() = default;

protected:
  virtual void begin() = 0;
  // The post ended: its outcome, its milliseconds included.
  virtual void posted(DeliveryOutcome& outcome) = 0;
  // A wait is over: its time came, the loop was stopped, or another thread resumed the lane.
  virtual void woken() = 0;

  // Posts on the lane's connection (see HttpConnection::start).
  void post(const Headers& headers, std::string_view body);
  // Waits until `when` (woken at once once the loop is stopped).
  void wake_at(SteadyClock::time_point when);
  // Waits until another thread calls ClientLoop::resume for this lane (the loop stopped or not).
  void wait_elsewhere();

  ClientLoop& loop() const { return m_loop; }

private:
  friend class ClientLoop;
  enum class Pending { nothing, post, wake, elsewhere };

  ClientLoop& m_loop;
  HttpConnection m_connection;
  Pending m_pending = Pending::nothing;
  std::uint64_t m_sockets_seen = 0;
  HttpConnection::Clock::time_point m_post_began;
};

class ClientLoop {
public:
  // Throws Error when the loop cannot be set up. Once `stop` is set, posts in flight end
  // interrupted within k_stop_slice, and waits end at once.
  explicit ClientLoop(const std::atomic<bool>* stop);
  ClientLoop(const ClientLoop&) = delete;
  ClientLoop& operator=(const ClientLoop&) = delete;

  // Runs `lanes` (begin() first) on this thread until every one is done.
  void run(std::span<PostLane* const> lanes);

  bool stopped() const { return m_stop != nullptr && m_stop->load(std::memory_order_relaxed); }
  // When the current round of events began.
  SteadyClock::time_point now() const { return m_now; }
  // From any thread: ends `lane`'s wait_elsewhere().
  void resume(PostLane& lane) { m_resumed.put(&lane); }

private:
  friend class PostLane;

  // Calls one of `lane`'s callbacks and counts it done when it asked for nothing more.
  template <typename Call>
  void call(PostLane& lane, Call&& callback);
  void advance(PostLane& lane);
  void complete(PostLane& lane);
  void wake(PostLane& lane);
  void stop_lanes(std::span<PostLane* const> lanes);
  void take_resumed();
  int wait_ms() const;

  FileDescriptor m_epoll;
  const std::atomic<bool>* m_stop;
  TimerList m_deadlines; // of posts in flight
  TimerList m_wakes;
  std::vector<PostLane*> m_started; // posts started, not advanced yet
  std::vector<PostLane*> m_advancing;
  Inbox<PostLane> m_resumed;
  std::vector<PostLane*> m_resumed_now;
  std::size_t m_active = 0; // lanes not done
  SteadyClock::time_point m_now = SteadyClock::now();
};

// Lanes spread over loops, a thread each: one loop per k_lanes_per_loop lanes, up to one per
// core. Fewer lanes than that give a loop too few events per round to be worth a thread, and a
// second loop then mostly adds context switches with the endpoint's own threads (measured with
// bench/send on 2 cores against nginx on the same machine: at 16 connections one loop sent 1.1x
// what two did, at 256 two loops sent 1.15x what one did).
class LoopSet {
public:
  static constexpr std::size_t k_lanes_per_loop = 32;
  using MakeLane = std::function<std::unique_ptr<PostLane>(ClientLoop& loop, std::size_t index)>;

  // Makes `lanes` lanes (at least one) with `make`. Throws what `make` or a loop throws.
  LoopSet(std::size_t lanes, const std::atomic<bool>* stop, const MakeLane& make);

  // Runs every lane until all are done. When a loop throws, `on_failure` runs (to wind the others
  // down) and, once all ended, the first exception is rethrown.
  void run(const std::function<void()>& on_failure);

private:
  std::vector<std::unique_ptr<ClientLoop>> m_loops;
  std::vector<std::unique_ptr<PostLane>> m_lanes; // destroyed before their loops
  std::vector<std::vector<PostLane*>> m_lanes_of_loop;
};

} // namespace linkhook
