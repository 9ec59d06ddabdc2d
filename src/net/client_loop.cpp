#include "net/client_loop.hpp"

#include "base/error.hpp"
#include "base/posix_file.hpp"
#include "base/worker_threads.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <sys/epoll.h>
#include <thread>

namespace linkhook {

namespace {
char k_resumed_tag; // epoll_event.data of the inbox
} // namespace

PostLane::PostLane(ClientLoop& loop, const Url& url, double timeout_s, const TlsContext* tls)
    : m_loop(loop), m_connection(url, timeout_s, nullptr, tls) {}

void PostLane::post(const Headers& headers, std::string_view body) {
  m_pending = Pending::post;
  m_post_began = HttpConnection::Clock::now();
  m_connection.start(headers, body, m_post_began);
  m_loop.m_deadlines.arm(*this, m_connection.deadline());
  m_loop.m_started.push_back(this);
}

void PostLane::wake_at(SteadyClock::time_point when) {
  m_pending = Pending::wake;
  m_loop.m_wakes.arm(*this, when);
}

void PostLane::wait_elsewhere() {
  m_pending = Pending::elsewhere;
}

ClientLoop::ClientLoop(const std::atomic<bool>* stop)
    : m_epoll(::epoll_create1(EPOLL_CLOEXEC)), m_stop(stop) {
  raise_descriptor_limit();
  epoll_event resumed{EPOLLIN, {.ptr = &k_resumed_tag}};
  if (!m_epoll || ::epoll_ctl(m_epoll.get(), EPOLL_CTL_ADD, m_resumed.fd(), &resumed) != 0) {
    throw Error(system_message("cannot set up an event loop", errno));
  }
}

template <typename Call>
void ClientLoop::call(PostLane& lane, Call&& callback) {
  lane.m_pending = PostLane::Pending::nothing;
  callback();
  if (lane.m_pending == PostLane::Pending::nothing) {
    --m_active;
  }
}

void ClientLoop::run(std::span<PostLane* const> lanes) {
  m_active = lanes.size();
  m_now = SteadyClock::now();
  for (auto* lane : lanes) {
    call(*lane, [lane] { lane->begin(); });
  }
  std::array<epoll_event, 256> events{};
  while (m_active > 0) {
    // Posts just started go as far as they can at once; one that ends lets its lane post again.
    while (!m_started.empty()) {
      m_advancing.swap(m_started);
      for (auto* lane : m_advancing) {
        advance(*lane);
      }
      m_advancing.clear();
    }
    if (stopped()) {
      stop_lanes(lanes);
    }
    for (Timer* t = m_deadlines.front(); t != nullptr && t->due() <= m_now;
         t = m_deadlines.front()) {
      auto& lane = static_cast<PostLane&>(*t);
      lane.m_connection.expire();
      complete(lane);
    }
    for (Timer* t = m_wakes.front(); t != nullptr && t->due() <= m_now; t = m_wakes.front()) {
      wake(static_cast<PostLane&>(*t));
    }
    if (!m_started.empty()) {
      continue;
    }
    if (m_active == 0) {
      break;
    }
    const int ready =
        ::epoll_wait(m_epoll.get(), events.data(), static_cast<int>(events.size()), wait_ms());
    m_now = SteadyClock::now();
    for (const auto& event :
         std::span(events.data(), static_cast<std::size_t>(std::max(ready, 0)))) {
      if (event.data.ptr == &k_resumed_tag) {
        take_resumed();
        continue;
      }
      auto& lane = *static_cast<PostLane*>(event.data.ptr);
      const bool broken = (event.events & (EPOLLERR | EPOLLHUP)) != 0;
      lane.m_connection.ready(broken || (event.events & (EPOLLIN | EPOLLRDHUP)) != 0,
                              broken || (event.events & EPOLLOUT) != 0);
      if (lane.m_pending == PostLane::Pending::post) {
        advance(lane);
      }
    }
  }
}

void ClientLoop::advance(PostLane& lane) {
  if (lane.m_pending != PostLane::Pending::post) {
    return; // it ended (stopped) before its turn came
  }
  auto& connection = lane.m_connection;
  const auto wait = connection.advance();
  // A new socket is watched as soon as it exists, even when its first post already ended: the
  // next post on it waits for its events.
  if (connection.sockets_opened() != lane.m_sockets_seen) {
    epoll_event watch{EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, {.ptr = &lane}};
    if (connection.socket() < 0 ||
        ::epoll_ctl(m_epoll.get(), EPOLL_CTL_ADD, connection.socket(), &watch) == 0) {
      lane.m_sockets_seen = connection.sockets_opened();
    } else if (wait != HttpConnection::Wait::none) {
      connection.give_up(system_message("cannot watch the connection", errno));
      complete(lane);
      return;
    } // else tried again by the next post's first advance, before it waits
  }
  if (wait == HttpConnection::Wait::none) {
    complete(lane);
  }
}

void ClientLoop::complete(PostLane& lane) {
  lane.disarm();
  auto& outcome = lane.m_connection.outcome();
  outcome.ms =
      std::chrono::duration<double, std::milli>(HttpConnection::Clock::now() - lane.m_post_began)
          .count();
  call(lane, [&] { lane.posted(outcome); });
}

void ClientLoop::wake(PostLane& lane) {
  lane.disarm();
  call(lane, [&] { lane.woken(); });
}

void ClientLoop::stop_lanes(std::span<PostLane* const> lanes) {
  for (auto* lane : lanes) {
    if (lane->m_pending == PostLane::Pending::post) {
      lane->m_connection.interrupt();
      complete(*lane);
    } else if (lane->m_pending == PostLane::Pending::wake) {
      wake(*lane);
    }
  }
}

void ClientLoop::take_resumed() {
  m_resumed.take(m_resumed_now);
  for (auto* lane : m_resumed_now) {
    if (lane->m_pending == PostLane::Pending::elsewhere) {
      call(*lane, [lane] { lane->woken(); });
    }
  }
}

int ClientLoop::wait_ms() const {
  auto next = m_now + k_stop_slice;
  for (const auto* timer : {m_deadlines.front(), m_wakes.front()}) {
    if (timer != nullptr) {
      next = std::min(next, timer->due());
    }
  }
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(next - SteadyClock::now());
  return static_cast<int>(std::max<std::int64_t>(left.count(), 0));
}

LoopSet::LoopSet(std::size_t lanes, const std::atomic<bool>* stop, const MakeLane& make) {
  lanes = std::max<std::size_t>(lanes, 1);
  const auto loops = std::clamp<std::size_t>(lanes / k_lanes_per_loop, 1,
                                             std::max(std::thread::hardware_concurrency(), 1U));
  m_lanes_of_loop.resize(loops);
  for (std::size_t i = 0; i < loops; ++i) {
    m_loops.push_back(std::make_unique<ClientLoop>(stop));
  }
  for (std::size_t i = 0; i < lanes; ++i) {
    m_lanes.push_back(make(*m_loops[i % loops], i));
    m_lanes_of_loop[i % loops].push_back(m_lanes.back().get());
  }
}

void LoopSet::run(const std::function<void()>& on_failure) {
  run_on_threads(
      m_loops.size(), [this](std::size_t i) { m_loops[i]->run(m_lanes_of_loop[i]); }, on_failure);
}

} // namespace linkhook
