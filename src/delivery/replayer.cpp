#include "delivery/replayer.hpp"

#include "base/crc32.hpp"
#include "base/timestamp.hpp"
#include "base/worker_threads.hpp"

#include <chrono>
#include <limits>
#include <memory>
#include <mutex>

namespace linkhook {

namespace {

using Steady = std::chrono::steady_clock;

struct SharedState {
  std::atomic<std::size_t> next{0};
  std::mutex mutex; // the hooks and the summary
  ReplaySummary summary;
};

void count(ReplaySummary& summary, const ReplayedEvent& replayed) {
  ++summary.events;
  summary.attempts += replayed.attempts.size();
  if (!replayed.attempts.empty()) {
    summary.span = std::max(summary.span, replayed.attempts.back().at);
  }
  switch (replayed.ending) {
  case Decision::delivered:
    ++summary.delivered;
    break;
  case Decision::gone:
    ++summary.gone;
    break;
  case Decision::interrupted:
    ++summary.interrupted;
    break;
  case Decision::retry:
  case Decision::gave_up:
    ++summary.gave_up;
    break;
  }
}

class Worker {
public:
  Worker(const std::vector<ReplayEvent>& events, const ReplayConfig& config,
         const ReplayHooks& hooks, SharedState& shared)
      : m_events(events), m_config(config), m_hooks(hooks), m_shared(shared),
        m_client(config.delivery.client, config.delivery.stop) {}

  void run() {
    for (auto index = m_shared.next++; index < m_events.size(); index = m_shared.next++) {
      if (m_config.delivery.stopped()) {
        return;
      }
      replay(m_events[index]);
    }
  }

private:
  void replay(const ReplayEvent& event) {
    ReplayedEvent replayed;
    replayed.event = &event;
    VirtualClock virtual_clock;
    RealClock real_clock(m_config.time_scale, m_config.delivery.stop);
    Clock& clock = m_config.time_scale > 0 ? static_cast<Clock&>(real_clock) : virtual_clock;
    replayed.ending = run_timeline(
        event_policy(m_config, event), clock, m_config.delivery.stop,
        [&] {
          replayed.headers =
              delivery_headers(m_config.delivery, Message{event.id, unix_now(), event.body}, {});
          return m_client.post(replayed.headers, event.body);
        },
        [&](const Attempt& attempt) {
          replayed.attempts.push_back(attempt);
          if (m_hooks.attempted) {
            std::lock_guard lock(m_shared.mutex);
            m_hooks.attempted(event, attempt);
          }
        });
    if (replayed.attempts.empty()) {
      return; // stopped before its first attempt
    }
    if (m_hooks.persist) {
      m_hooks.persist(replayed);
    }
    std::lock_guard lock(m_shared.mutex);
    count(m_shared.summary, replayed);
    if (m_hooks.finished) {
      m_hooks.finished(replayed);
    }
  }

  const std::vector<ReplayEvent>& m_events;
  const ReplayConfig& m_config;
  const ReplayHooks& m_hooks;
  SharedState& m_shared;
  DeliveryClient m_client;
};

} // namespace

RetryPolicy event_policy(const ReplayConfig& config, const ReplayEvent& event) {
  auto policy = config.policy;
  policy.schedule =
      policy.schedule.with_seed(config.seed ^ (0x9E3779B97F4A7C15ULL * (crc32(event.id) + 1ULL)));
  return policy;
}

ReplaySummary replay_events(const std::vector<ReplayEvent>& events, const ReplayConfig& config,
                            const ReplayHooks& hooks) {
  SharedState shared;
  const auto workers_wanted =
      std::max<std::size_t>(std::min(config.delivery.concurrency, events.size()), 1);
  // Built up front, so a bad --ca-file is an error before anything is sent.
  std::vector<std::unique_ptr<Worker>> workers;
  for (std::size_t i = 0; i < workers_wanted; ++i) {
    workers.push_back(std::make_unique<Worker>(events, config, hooks, shared));
  }
  const auto start = Steady::now();
  run_on_threads(
      workers.size(), [&workers](std::size_t i) { workers[i]->run(); },
      [&shared] { shared.next = std::numeric_limits<std::size_t>::max() / 2; });
  shared.summary.seconds = std::chrono::duration<double>(Steady::now() - start).count();
  return shared.summary;
}

} // namespace linkhook
