#pragma once

#include "delivery/delivery_config.hpp"
#include "delivery/retry_engine.hpp"
#include "http/headers.hpp"
#include "store/replay_selection.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

// `replay`: re-sends stored events from event loops (as `send` does), each event on a timeline of
// its own (virtual, scaled or real time), re-signed on every attempt with its own id.
namespace linkhook {

struct ReplayConfig {
  DeliveryConfig delivery;
  RetryPolicy policy;
  std::uint64_t seed = 0; // exponential jitter, mixed with each event's id
  double time_scale = 0;  // 0: the virtual clock; 1: real time; between: waits scaled
  // Reads the body of an event that holds only where it is (ReplayEvent::offset); none when it
  // cannot, which stops the replay with an Error.
  std::function<std::optional<std::string>(const ReplayEvent&)> body_of;
};

// One event's replay, once it ended.
struct ReplayedEvent {
  const ReplayEvent* event = nullptr;
  std::vector<Attempt> attempts;
  Headers headers; // as the last attempt sent them
  Decision ending = Decision::gave_up;
};

struct ReplayHooks {
  // Each decided attempt, one call at a time.
  std::function<void(const ReplayEvent&, const Attempt&)> attempted;
  // Each ended event, before `finished`, from its loop's thread: to store its history. It must
  // not wait (BatchWriter::queue).
  std::function<void(const ReplayedEvent&)> persist;
  // Each ended event, one call at a time.
  std::function<void(const ReplayedEvent&)> finished;
};

struct ReplaySummary {
  std::uint64_t events = 0; // that ended (not counting those a stop kept from starting)
  std::uint64_t delivered = 0;
  std::uint64_t gone = 0;
  std::uint64_t gave_up = 0;
  std::uint64_t interrupted = 0;
  std::uint64_t attempts = 0;
  Milliseconds span{0}; // the longest timeline: its last attempt's offset
  double seconds = 0;   // real time taken

  double attempts_per_second() const {
    return seconds > 0 ? static_cast<double>(attempts) / seconds : 0;
  }
};

// The policy an event replays on: the config's, its jitter seeded from config.seed and the id.
RetryPolicy event_policy(const ReplayConfig& config, const ReplayEvent& event);

// Replays `events`, config.delivery.concurrency at a time, and returns the summary. Throws Error
// for a configuration it cannot use (a --ca-file).
ReplaySummary replay_events(const std::vector<ReplayEvent>& events, const ReplayConfig& config,
                            const ReplayHooks& hooks);

} // namespace linkhook
