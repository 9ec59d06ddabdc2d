#include "delivery/sender.hpp"

#include "base/random.hpp"
#include "base/timestamp.hpp"
#include "net/client_loop.hpp"
#include "payload/generator.hpp"
#include "signing/signature.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>

namespace linkhook {

namespace {

using Steady = std::chrono::steady_clock;

// Fills `event` and `body` with delivery `index`'s payload: the story's, --file's bytes, or the
// next of its event's generator (the events take turns). Both are overwritten, their storage kept.
void make_payload(const SendConfig& config, std::vector<PayloadGenerator>& generators,
                  Random& random, std::uint64_t index, std::string& event, std::string& body) {
  if (!config.story.empty()) {
    event = config.story[index].event;
    body = config.story[index].body;
    return;
  }
  if (config.body) {
    body = *config.body;
    event = config.body_event;
    return;
  }
  const auto which = index % config.events.size();
  event = config.events[which]->name;
  body.clear();
  generators[which].append(
      body, random, config.timestamp.value_or(config.seed ? k_seeded_timestamp : unix_now()));
}

std::vector<PayloadGenerator> make_generators(const SendConfig& config) {
  std::vector<PayloadGenerator> generators;
  for (const auto* event : config.events) {
    generators.emplace_back(event->fixture, config.assignments);
  }
  return generators;
}

// The story of a plan: the id, event and body of each story delivery, made in story order (so
// that the payloads' timestamps follow it) when the plan first needs one, and kept until its
// last delivery (a redelivery's) takes it: only a window's worth are held at once.
class Story {
public:
  struct Delivery {
    std::string id;
    std::string event;
    std::string body;
    unsigned uses = 1;
  };

  Story(const SendConfig& config, const DeliveryPlan& plan, std::uint64_t seed)
      : m_config(config), m_plan(plan), m_random(seed), m_generators(make_generators(config)) {}

  Delivery take(std::uint64_t story) {
    const std::lock_guard lock(m_mutex);
    for (; m_next <= story; ++m_next) {
      Delivery made{.id = m_config.id.value_or(generate_message_id()),
                    .event = {},
                    .body = {},
                    .uses = m_plan.uses(m_next)};
      make_payload(m_config, m_generators, m_random, m_next, made.event, made.body);
      m_held.emplace(m_next, std::move(made));
    }
    const auto held = m_held.find(story);
    if (--held->second.uses > 0) {
      return held->second;
    }
    auto last = std::move(held->second);
    m_held.erase(held);
    return last;
  }

private:
  const SendConfig& m_config;
  const DeliveryPlan& m_plan;
  std::mutex m_mutex; // guards what follows
  Random m_random;
  std::vector<PayloadGenerator> m_generators;
  std::uint64_t m_next = 0; // the next story delivery to make
  std::unordered_map<std::uint64_t, Delivery> m_held;
};

// What all lanes share: the next delivery to start, the summary, the hooks' lock, the store's
// first failure, and the records being stored.
struct SharedState {
  std::atomic<std::uint64_t> next{0};
  std::uint64_t count = 0;            // deliveries in all
  const DeliveryPlan* plan = nullptr; // with --duplicates or --reorder
  std::unique_ptr<Story> story;       // the plan's
  Steady::time_point start;
  std::mutex mutex; // guards what follows, and serialises the hooks
  SendSummary summary;
  std::optional<Error> store_error;
  std::size_t storing = 0; // records handed to persist whose callback has not returned
  std::condition_variable stored;

  // Starts no more deliveries.
  void wind_down() { next = std::numeric_limits<std::uint64_t>::max() / 2; }
  // Waits until no record is being stored, so that no callback outlives the lanes.
  void await_storing() {
    std::unique_lock lock(mutex);
    stored.wait(lock, [this] { return storing == 0; });
  }
};

// One connection's deliveries, one after another: --rate's pacing, the attempts with the waits
// between them, and storing each ended delivery before reporting it, all without a thread of its
// own.
class SendLane final : public PostLane {
public:
  SendLane(ClientLoop& loop, const SendConfig& config, const SendHooks& hooks, SharedState& shared,
           std::uint64_t seed, const TlsContext* tls)
      : PostLane(loop, config.delivery.client.url, config.delivery.client.timeout_s, tls),
        m_config(config), m_hooks(hooks), m_shared(shared), m_random(seed),
        m_generators(make_generators(config)) {}

private:
  enum class Phase { pacing, waiting, storing };

  void begin() override { next(); }

  void posted(DeliveryOutcome& outcome) override {
    m_delivery.outcome = std::move(outcome);
    // Now, for an HTTP-date Retry-After, without reading the clock: when the answer came.
    const auto answered_ms =
        m_delivery.sent_at_ms + static_cast<std::int64_t>(m_delivery.outcome.ms);
    const auto step = decide(m_config.retry, m_attempts, m_delivery.outcome, answered_ms / 1000);
    if (step.decision != Decision::retry) {
      finish();
      return;
    }
    if (m_hooks.retrying) {
      const std::lock_guard lock(m_shared.mutex);
      m_hooks.retrying(m_delivery, step.wait);
    }
    m_phase = Phase::waiting;
    wake_at(loop().now() + step.wait);
  }

  void woken() override {
    switch (m_phase) {
    case Phase::pacing:
      if (!loop().stopped()) {
        prepare();
      }
      break;
    case Phase::waiting:
      if (!loop().stopped()) {
        attempt();
      } else if (m_attempts > 0) {
        finish(); // stopped while a retry was due: the last attempt stands
      }
      break;
    case Phase::storing:
      stored();
      break;
    }
  }

  // Takes the next delivery, if any is left and no stop was asked for.
  void next() {
    if (loop().stopped()) {
      return;
    }
    m_index = m_shared.next++;
    if (m_index >= m_shared.count) {
      return;
    }
    if (!m_config.story.empty() && m_config.time_scale > 0) { // at its story time, scaled
      const auto& story = m_config.story;
      const auto place = m_shared.plan ? m_shared.plan->at(m_index).story : m_index;
      const auto seconds = static_cast<double>(story[place].time - story.front().time);
      m_phase = Phase::pacing;
      wake_at(m_shared.start + std::chrono::duration_cast<Steady::duration>(
                                   std::chrono::duration<double>(seconds * m_config.time_scale)));
      return;
    }
    if (m_config.rate) { // delivery `index` starts index / rate seconds in
      m_phase = Phase::pacing;
      wake_at(m_shared.start +
              std::chrono::duration_cast<Steady::duration>(
                  std::chrono::duration<double>(static_cast<double>(m_index) / *m_config.rate)));
      return;
    }
    prepare();
  }

  void prepare() {
    // Each field is set afresh; the strings keep their storage from the last delivery.
    m_delivery.index = m_index;
    m_delivery.planned.reset();
    if (m_shared.plan) {
      m_delivery.planned = m_shared.plan->at(m_index);
      auto story = m_shared.story->take(m_delivery.planned->story);
      m_delivery.id = std::move(story.id);
      m_delivery.event = std::move(story.event);
      m_delivery.body = std::move(story.body);
    } else {
      if (m_config.id) {
        m_delivery.id = *m_config.id;
      } else {
        generate_message_id(m_delivery.id);
      }
      make_payload(m_config, m_generators, m_random, m_index, m_delivery.event, m_delivery.body);
    }
    m_attempts = 0;
    if (const auto wait = m_config.retry.wait_before(0); wait.count() > 0) {
      m_phase = Phase::waiting;
      wake_at(loop().now() + wait);
      return;
    }
    attempt();
  }

  // Signs afresh and posts.
  void attempt() {
    m_delivery.attempts = ++m_attempts;
    m_delivery.sent_at_ms = unix_now_ms();
    const Message message{m_delivery.id, m_config.timestamp.value_or(m_delivery.sent_at_ms / 1000),
                          m_delivery.body};
    delivery_headers(m_delivery.headers, m_config.delivery, message, m_config.extra_headers);
    post(m_delivery.headers, m_delivery.body);
  }

  // The delivery ended: stored first when it is to be stored (once durable, the store hands the
  // lane back), then reported, and the lane takes the next one.
  void finish() {
    if (!m_hooks.persist) {
      report();
      next();
      return;
    }
    m_phase = Phase::storing;
    wait_elsewhere();
    {
      const std::lock_guard lock(m_shared.mutex);
      ++m_shared.storing;
    }
    m_hooks.persist(m_delivery, [this](const Error* error) { // on the store's thread
      if (error != nullptr) {
        m_store_error = *error;
      }
      loop().resume(*this);
      const std::lock_guard lock(m_shared.mutex);
      --m_shared.storing;
      m_shared.stored.notify_all();
    });
  }

  void stored() {
    if (m_store_error) { // not reported, and no more deliveries start
      const std::lock_guard lock(m_shared.mutex);
      if (!m_shared.store_error) {
        m_shared.store_error = std::move(m_store_error);
      }
      m_shared.wind_down();
      return;
    }
    report();
    next();
  }

  void report() {
    const std::lock_guard lock(m_shared.mutex);
    auto& summary = m_shared.summary;
    ++summary.sent;
    if (m_delivery.outcome.ok()) {
      ++summary.succeeded;
    } else if (m_delivery.outcome.error == DeliveryError::none) {
      ++summary.statuses[m_delivery.outcome.status];
    } else {
      ++summary.errors[std::string(delivery_error_name(m_delivery.outcome.error))];
    }
    summary.latency.add(m_delivery.outcome.ms);
    if (const auto& planned = m_delivery.planned) {
      summary.redeliveries += planned->redelivery ? 1U : 0U;
      summary.reordered += planned->reordered ? 1U : 0U;
    }
    if (m_hooks.report) {
      m_hooks.report(m_delivery);
    }
  }

  const SendConfig& m_config;
  const SendHooks& m_hooks;
  SharedState& m_shared;
  Random m_random;
  std::vector<PayloadGenerator> m_generators;
  Phase m_phase = Phase::pacing;
  std::uint64_t m_index = 0;
  SentDelivery m_delivery;
  std::size_t m_attempts = 0;
  std::optional<Error> m_store_error; // set on the store's thread before the lane is resumed
};

} // namespace

SendSummary send_deliveries(const SendConfig& config, const SendHooks& hooks) {
  SharedState shared;
  const auto seed = config.seed.value_or(Random::fresh_seed());
  shared.count = config.count;
  if (config.plan) {
    // The story draws from the seed: its payloads are those send makes over one connection
    // without a plan.
    shared.plan = config.plan.get();
    shared.story = std::make_unique<Story>(config, *shared.plan, seed);
    shared.count = shared.plan->size();
    shared.summary.chaos = true;
  }
  const auto& client = config.delivery.client;
  // Built up front, so that a bad template or --ca-file is an error before anything is sent.
  const auto tls =
      client.url.tls() ? std::make_unique<TlsContext>(client.insecure, client.ca_file) : nullptr;
  LoopSet lanes(
      static_cast<std::size_t>(std::min<std::uint64_t>(config.delivery.concurrency, shared.count)),
      config.delivery.stop, [&](ClientLoop& loop, std::size_t i) {
        return std::make_unique<SendLane>(loop, config, hooks, shared, seed + i, tls.get());
      });
  shared.start = Steady::now();
  try {
    lanes.run([&shared] { shared.wind_down(); });
  } catch (...) {
    shared.await_storing();
    throw;
  }
  shared.await_storing();
  if (shared.store_error) {
    throw *shared.store_error;
  }
  shared.summary.seconds = std::chrono::duration<double>(Steady::now() - shared.start).count();
  return std::move(shared.summary);
}

} // namespace linkhook
