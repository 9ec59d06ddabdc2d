#pragma once

#include "base/latency_stats.hpp"
#include "delivery/retry_engine.hpp"
#include "http/headers.hpp"
#include "net/delivery_client.hpp"
#include "payload/events.hpp"
#include "payload/json_path.hpp"
#include "signing/scheme.hpp"
#include "signing/secret.hpp"
#include "signing/signature.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

// `send`: signs deliveries and POSTs them from worker threads, one kept-alive client each,
// retrying failures on a schedule, and sums up how they went.
namespace linkhook {

struct SendConfig {
  ClientConfig client;
  Scheme scheme = Scheme::standard;
  const Secret* secret = nullptr;
  // Either generated payloads of these events, cycled...
  std::vector<const EventInfo*> events;
  std::vector<Assignment> assignments;
  std::optional<std::uint64_t> seed; // the same payload bytes as `generate --seed`
  // ...or these exact bytes, of this event.
  std::optional<std::string> body;
  std::string body_event;

  Headers extra_headers;         // -H: replacing a signature header of that name, else added
  std::optional<std::string> id; // the webhook-id of every delivery; fresh per delivery otherwise
  // The time every attempt is signed with (and generated payloads carry); now otherwise.
  std::optional<UnixSeconds> timestamp;
  std::uint64_t count = 1; // deliveries in all: send --count times the number of events
  std::size_t concurrency = 1;
  std::optional<double> rate; // deliveries per second at most
  // One attempt unless told otherwise (send --retries N: N + 1 attempts).
  RetryPolicy retry{RetrySchedule::standard(), 1, Milliseconds(60'000)};
  // Once set (by a signal, say), no new delivery or retry starts; those in flight end.
  const std::atomic<bool>* stop = nullptr;
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
};

struct SendHooks {
  // Each ended delivery, one call at a time (the sender serialises them).
  std::function<void(const SentDelivery&)> report;
  // Each ended delivery, from its worker thread, before report: to store it.
  std::function<void(const SentDelivery&)> persist;
  // An attempt that failed and will be retried after `wait`, one call at a time.
  std::function<void(const SentDelivery&, Milliseconds wait)> retrying;
};

struct SendSummary {
  std::uint64_t sent = 0;
  std::uint64_t succeeded = 0;                 // ended 2xx
  std::map<int, std::uint64_t> statuses;       // non-2xx answers by status
  std::map<std::string, std::uint64_t> errors; // no answer, by kind ("refused", "timeout", ...)
  double seconds = 0;
  LatencyStats latency; // of each delivery's last attempt

  std::uint64_t failed() const { return sent - succeeded; }
  double per_second() const { return seconds > 0 ? static_cast<double>(sent) / seconds : 0; }
};

// The headers of one attempt: the signature headers of `message`, where the first header of
// `extra` (-H) with the same name replaces one, then the rest of `extra`, then Content-Type and
// User-Agent unless `extra` set them. Shared by send and replay.
Headers delivery_headers(Scheme scheme, const Secret& secret, const Message& message,
                         const Headers& extra, const std::string& user_agent);

// Sends config.count deliveries (fewer when config.stop is set) with config.concurrency workers and
// returns the summary. Throws Error for a configuration it cannot use (a payload template, a
// --ca-file).
SendSummary send_deliveries(const SendConfig& config, const SendHooks& hooks);

} // namespace linkhook
