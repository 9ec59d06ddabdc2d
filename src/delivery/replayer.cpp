#include "delivery/replayer.hpp"

#include "base/crc32.hpp"
#include "base/error.hpp"
#include "base/text.hpp"
#include "base/timestamp.hpp"
#include "net/client_loop.hpp"

#include <chrono>
#include <fmt/format.h>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>

namespace linkhook {

namespace {

using Steady = std::chrono::steady_clock;

struct SharedState {
  std::atomic<std::size_t> next{0};
  std::mutex mutex; // the hooks, the summary and the error
  ReplaySummary summary;
  std::optional<Error> error; // the first body that could not be read: no more events start

  void wind_down() { next = std::numeric_limits<std::size_t>::max() / 2; }
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

// One connection's events, one after another, each on a timeline of its own: the waits between
// attempts are the loop's timers (none on the virtual clock), not a sleeping thread.
class ReplayLane final : public PostLane {
public:
  ReplayLane(ClientLoop& loop, const std::vector<ReplayEvent>& events, const ReplayConfig& config,
             const ReplayHooks& hooks, SharedState& shared, const TlsContext* tls)
      : PostLane(loop, config.delivery.client.url, config.delivery.client.timeout_s, tls),
        m_events(events), m_config(config), m_hooks(hooks), m_shared(shared) {}

private:
  void begin() override { next(); }

  void next() {
    if (loop().stopped()) {
      return;
    }
    const auto index = m_shared.next++;
    if (index >= m_events.size()) {
      return;
    }
    const auto& event = m_events[index];
    if (event.offset == 0) {
      m_body = event.body;
    } else if (auto body = m_config.body_of(event)) {
      m_body = std::move(*body);
    } else {
      const std::lock_guard lock(m_shared.mutex);
      if (!m_shared.error) {
        m_shared.error = Error(
            fmt::format("cannot read event {} from the store again: it was cleared or replaced "
                        "during the replay",
                        printable(event.id)),
            ExitCode::failed);
      }
      m_shared.wind_down();
      return;
    }
    m_replayed = ReplayedEvent();
    m_replayed.event = &event;
    if (m_config.time_scale > 0) {
      m_real_clock.emplace(m_config.time_scale);
      m_clock = &*m_real_clock;
    } else {
      m_virtual_clock = VirtualClock();
      m_clock = &m_virtual_clock;
    }
    m_timeline.emplace(event_policy(m_config, event), *m_clock);
    wait_for_attempt();
  }

  void wait_for_attempt() {
    m_due = m_timeline->next_due();
    if (const auto wait = m_clock->real_wait_until(m_due); wait > Steady::duration::zero()) {
      wake_at(loop().now() + wait);
      return;
    }
    attempt();
  }

  void woken() override { attempt(); }

  void attempt() {
    if (loop().stopped()) {
      end(Decision::interrupted);
      return;
    }
    m_clock->arrive(m_due);
    m_at = m_timeline->begin_attempt();
    const auto& event = *m_replayed.event;
    delivery_headers(m_replayed.headers, m_config.delivery, Message{event.id, unix_now(), m_body},
                     {});
    post(m_replayed.headers, m_body);
  }

  void posted(DeliveryOutcome& outcome) override {
    m_replayed.attempts.push_back(m_timeline->attempted(m_at, std::move(outcome)));
    const auto& attempt = m_replayed.attempts.back();
    if (m_hooks.attempted) {
      const std::lock_guard lock(m_shared.mutex);
      m_hooks.attempted(*m_replayed.event, attempt);
    }
    if (attempt.decision == Decision::retry) {
      wait_for_attempt();
      return;
    }
    end(attempt.decision);
  }

  void end(Decision ending) {
    m_replayed.ending = ending;
    if (!m_replayed.attempts.empty()) { // else stopped before its first attempt
      if (m_hooks.persist) {
        m_hooks.persist(m_replayed);
      }
      const std::lock_guard lock(m_shared.mutex);
      count(m_shared.summary, m_replayed);
      if (m_hooks.finished) {
        m_hooks.finished(m_replayed);
      }
    }
    next();
  }

  const std::vector<ReplayEvent>& m_events;
  const ReplayConfig& m_config;
  const ReplayHooks& m_hooks;
  SharedState& m_shared;
  ReplayedEvent m_replayed;
  std::string m_body; // of the event in flight
  VirtualClock m_virtual_clock;
  std::optional<RealClock> m_real_clock;
  Clock* m_clock = &m_virtual_clock;
  std::optional<Timeline> m_timeline;
  Milliseconds m_due{0}; // where the clock is due for the next attempt
  Milliseconds m_at{0};  // the offset of the attempt in flight
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
  const auto& client = config.delivery.client;
  // Built up front, so a bad --ca-file is an error before anything is sent.
  const auto tls =
      client.url.tls() ? std::make_unique<TlsContext>(client.insecure, client.ca_file) : nullptr;
  LoopSet lanes(std::min(config.delivery.concurrency, events.size()), config.delivery.stop,
                [&](ClientLoop& loop, std::size_t /*index*/) {
                  return std::make_unique<ReplayLane>(loop, events, config, hooks, shared,
                                                      tls.get());
                });
  const auto start = Steady::now();
  lanes.run([&shared] { shared.wind_down(); });
  if (shared.error) {
    throw *shared.error;
  }
  shared.summary.seconds = std::chrono::duration<double>(Steady::now() - start).count();
  return shared.summary;
}

} // namespace linkhook
