#pragma once

#include "base/error.hpp"
#include "base/latency_stats.hpp"
#include "delivery/delivery_config.hpp"
#include "delivery/delivery_plan.hpp"
#include "delivery/retry_engine.hpp"
#include "http/headers.hpp"
#include "net/delivery_client.hpp"
#include "payload/events.hpp"
#include "payload/json_path.hpp"
#include "payload/scenario.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

// `send`: signs deliveries and POSTs them from event loops (one per core, each with its share of
// the kept-alive connections), retrying failures on a schedule, and sums up how they went.
namespace linkhook {

struct SendConfig {
  DeliveryConfig delivery;
  // Either generated payloads of these events, cycled...
  std::vector<const EventInfo*> events;
  std::vector<Assignment> assignments;
  std::optional<std::uint64_t> seed; // the same payload bytes as `generate --seed`
  // ...or these exact bytes, of this event...
  std::optional<std::string> body;
  std::string body_event;
  // ...or the payloads of a story (scenario --url), one delivery each, in story order; `count`
  // is then its length. Their times pace the deliveries when time_scale > 0: story time times
  // time_scale is real time (1: real time; 0: no waiting).
  std::vector<StoryPayload> story;
  double time_scale = 0;

  Headers extra_headers;         // -H: replacing a signature header of that name, else added
  std::optional<std::string> id; // the webhook-id of every delivery; fresh per delivery otherwise
  // The time every attempt is signed with (and generated payloads carry); now otherwise.
  std::optional<UnixSeconds> timestamp;
  std::uint64_t count = 1;    // deliveries in all: send --count times the number of events
  std::optional<double> rate; // deliveries per second at most
  // One attempt unless told otherwise (send --retries N: N + 1 attempts).
  RetryPolicy retry{RetrySchedule::standard(), 1, Milliseconds(60'000)};
  // Redeliveries and reordering (delivery_plan.hpp): the order deliveries leave in, of a story
  // of `count` deliveries.
  std::shared_ptr<const DeliveryPlan> plan;
};

// One delivery, once it ended (2xx, or out of retries).
struct SentDelivery {
  std::uint64_t index = 0; // 0-based, in the order deliveries were started
  std::string id;
  std::string event;
  Headers headers; // exactly as sent by the last attempt
  std::string body;
  std::int64_t sent_at_ms = 0; // Unix milliseconds of the last attempt
  std::size_t attempts = 1;
  DeliveryOutcome outcome; // of the last attempt
  // With SendConfig::plan: its place in the story, and whether it is a redelivery.
  std::optional<PlannedDelivery> planned;
};

struct SendHooks {
  // Each ended delivery, one call at a time (the sender serialises them).
  std::function<void(const SentDelivery&)> report;
  // Each ended delivery, before report: to store it. It returns at once, and calls `stored` once
  // the delivery is durable (or with the Error that storing it met), from any thread; report
  // follows only then.
  std::function<void(const SentDelivery&, std::function<void(const Error* error)> stored)> persist;
  // An attempt that failed and will be retried after `wait`, one call at a time.
  std::function<void(const SentDelivery&, Milliseconds wait)> retrying;
};

struct SendSummary {
  std::uint64_t sent = 0;
  std::uint64_t succeeded = 0;                 // ended 2xx
  std::map<int, std::uint64_t> statuses;       // non-2xx answers by status
  std::map<std::string, std::uint64_t> errors; // no answer, by kind ("refused", "timeout", ...)
  double seconds = 0;
  LatencyStats latency;           // of each delivery's last attempt
  bool chaos = false;             // SendConfig::plan was given: the two counts below apply
  std::uint64_t redeliveries = 0; // sent: deliveries of a webhook-id sent before
  std::uint64_t reordered = 0;    // sent: deliveries that left at another place than the story's

  std::uint64_t failed() const { return sent - succeeded; }
  double per_second() const { return seconds > 0 ? static_cast<double>(sent) / seconds : 0; }
};

// Sends config.count deliveries (with a plan, as it says: the story's and the redeliveries;
// fewer once stopped), config.delivery.concurrency at a time, and
// returns the summary. Throws Error for a configuration it cannot use (a payload template, a
// --ca-file), or the first Error that storing a delivery met.
SendSummary send_deliveries(const SendConfig& config, const SendHooks& hooks);

} // namespace linkhook
