#pragma once

#include <cstdint>
#include <vector>

// The order in which `send --duplicates P --reorder N` hands out its deliveries, as a provider
// that delivers at least once and in no guaranteed order would. The deliveries make a story,
// numbered 0 to count - 1 in the order send makes them without these flags (their payloads'
// timestamps follow it). The plan shuffles the story within windows of N, and makes a redelivery
// of each story delivery with probability P, which leaves 1 to 16 deliveries after the original:
// later, and with concurrency possibly at the same time as other deliveries. The same seed makes
// the same plan.
namespace linkhook {

struct ChaosOptions {
  double duplicates = 0;     // the probability of a redelivery, in [0, 1]
  std::uint64_t reorder = 1; // the window of the shuffle; 1: story order
  bool any() const { return duplicates > 0 || reorder > 1; }
};

// One delivery of the plan.
struct PlannedDelivery {
  std::uint64_t story = 0; // its place in the story
  bool redelivery = false; // a second delivery of the same webhook-id and body
  bool reordered = false;  // an original that leaves at another place than its story's
};

class DeliveryPlan {
public:
  // Redeliveries leave at most this many deliveries after their original.
  static constexpr std::int64_t k_farthest_redelivery = 16;

  DeliveryPlan(std::uint64_t story_size, const ChaosOptions& chaos, std::uint64_t seed);

  // Deliveries in all: the story's and the redeliveries.
  std::uint64_t size() const { return m_slots.size(); }

  // The delivery that leaves `slot`th (0-based), slot < size().
  PlannedDelivery at(std::uint64_t slot) const;

  // How many deliveries the plan makes of story delivery `story`: 1, or 2 with a redelivery.
  unsigned uses(std::uint64_t story) const { return m_redelivered[story] ? 2 : 1; }

private:
  std::vector<std::uint64_t> m_slots; // story << 2 | redelivery << 1 | reordered
  std::vector<bool> m_redelivered;    // by story place
};

} // namespace linkhook
