#include "delivery/sender.hpp"

#include "base/random.hpp"
#include "base/timestamp.hpp"
#include "base/worker_threads.hpp"
#include "payload/generator.hpp"
#include "signing/signature.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <limits>
#include <memory>
#include <mutex>

namespace linkhook {

namespace {

using Steady = std::chrono::steady_clock;

// What all workers share: the next delivery to start, the summary, the hooks' lock.
struct SharedState {
  std::atomic<std::uint64_t> next{0};
  std::mutex mutex;
  SendSummary summary;
};

class Worker {
public:
  Worker(const SendConfig& config, const SendHooks& hooks, SharedState& shared, std::uint64_t seed)
      : m_config(config), m_hooks(hooks), m_shared(shared),
        m_client(config.delivery.client, config.delivery.stop), m_random(seed) {
    for (const auto* event : config.events) {
      m_generators.emplace_back(event->fixture, config.assignments);
    }
  }

  void run() {
    RealClock pacing(1,
                     m_config.delivery.stop); // --rate: delivery `index` starts index / rate s in
    for (auto index = m_shared.next++; index < m_config.count; index = m_shared.next++) {
      if (m_config.rate) {
        pacing.sleep_until(Milliseconds(
            static_cast<std::int64_t>(static_cast<double>(index) * 1000 / *m_config.rate)));
      }
      if (m_config.delivery.stopped()) {
        return;
      }
      deliver(index);
    }
  }

private:
  void deliver(std::uint64_t index) {
    SentDelivery delivery;
    delivery.index = index;
    delivery.id = m_config.id.value_or(generate_message_id());
    if (m_config.body) {
      delivery.body = *m_config.body;
      delivery.event = m_config.body_event;
    } else {
      const auto which = index % m_config.events.size();
      delivery.event = m_config.events[which]->name;
      m_generators[which].append(
          delivery.body, m_random,
          m_config.timestamp.value_or(m_config.seed ? k_seeded_timestamp : unix_now()));
    }
    std::size_t attempts = 0;
    RealClock clock(1, m_config.delivery.stop);
    run_timeline(
        m_config.retry, clock, m_config.delivery.stop,
        [&] {
          delivery.attempts = ++attempts;
          const Message message{delivery.id, m_config.timestamp.value_or(unix_now()),
                                delivery.body};
          delivery.headers = delivery_headers(m_config.delivery, message, m_config.extra_headers);
          delivery.sent_at_ms = unix_now_ms();
          delivery.outcome = m_client.post(delivery.headers, delivery.body);
          return delivery.outcome;
        },
        [&](const Attempt& attempt) {
          if (attempt.decision == Decision::retry && m_hooks.retrying) {
            std::lock_guard lock(m_shared.mutex);
            m_hooks.retrying(delivery, attempt.wait);
          }
        });
    if (attempts == 0) {
      return; // stopped during the first wait: nothing was sent
    }
    if (m_hooks.persist) {
      m_hooks.persist(delivery);
    }
    std::lock_guard lock(m_shared.mutex);
    auto& summary = m_shared.summary;
    ++summary.sent;
    if (delivery.outcome.ok()) {
      ++summary.succeeded;
    } else if (delivery.outcome.error == DeliveryError::none) {
      ++summary.statuses[delivery.outcome.status];
    } else {
      ++summary.errors[std::string(delivery_error_name(delivery.outcome.error))];
    }
    summary.latency.add(delivery.outcome.ms);
    if (m_hooks.report) {
      m_hooks.report(delivery);
    }
  }

  const SendConfig& m_config;
  const SendHooks& m_hooks;
  SharedState& m_shared;
  DeliveryClient m_client;
  Random m_random;
  std::vector<PayloadGenerator> m_generators;
};

} // namespace

SendSummary send_deliveries(const SendConfig& config, const SendHooks& hooks) {
  SharedState shared;
  const auto workers_wanted =
      static_cast<std::size_t>(std::min<std::uint64_t>(config.delivery.concurrency, config.count));
  const auto seed = config.seed.value_or(Random::fresh_seed());
  // Built up front, so a bad template or --ca-file is an error before anything is sent.
  std::vector<std::unique_ptr<Worker>> workers;
  for (std::size_t i = 0; i < std::max<std::size_t>(workers_wanted, 1); ++i) {
    workers.push_back(std::make_unique<Worker>(config, hooks, shared, seed + i));
  }
  const auto start = Steady::now();
  run_on_threads(
      workers.size(), [&workers](std::size_t i) { workers[i]->run(); },
      [&shared] { shared.next = std::numeric_limits<std::uint64_t>::max() / 2; });
  shared.summary.seconds = std::chrono::duration<double>(Steady::now() - start).count();
  return std::move(shared.summary);
}

} // namespace linkhook
