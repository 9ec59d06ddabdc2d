#include "delivery/delivery_plan.hpp"

#include "base/random.hpp"

#include <algorithm>
#include <map>
#include <numeric>
#include <utility>

namespace linkhook {

namespace {

constexpr std::uint64_t k_redelivery_bit = 2;
constexpr std::uint64_t k_reordered_bit = 1;

// A draw in [0, 1) from `random`: 53 random bits.
double uniform(Random& random) {
  return static_cast<double>(random.next() >> 11) * 0x1.0p-53;
}

} // namespace

DeliveryPlan::DeliveryPlan(std::uint64_t story_size, const ChaosOptions& chaos, std::uint64_t seed)
    : m_redelivered(story_size) {
  Random random(seed);
  std::vector<std::uint64_t> order(story_size);
  std::iota(order.begin(), order.end(), std::uint64_t{0});
  const auto window = std::max<std::uint64_t>(chaos.reorder, 1);
  for (std::uint64_t from = 0; from < story_size; from += window) {
    const auto to = std::min(story_size, from + window);
    for (auto i = to - 1; i > from; --i) { // Fisher-Yates within the window
      std::swap(order[i], order[from + random.below(i - from + 1)]);
    }
  }
  // Redeliveries wait in `due` for the slot they are to leave at.
  std::multimap<std::uint64_t, std::uint64_t> due;
  const auto leave_due = [&](std::uint64_t up_to) {
    while (!due.empty() && due.begin()->first <= up_to) {
      m_slots.push_back(due.begin()->second << 2 | k_redelivery_bit);
      due.erase(due.begin());
    }
  };
  m_slots.reserve(story_size);
  for (std::uint64_t place = 0; place < story_size; ++place) {
    leave_due(m_slots.size());
    const auto story = order[place];
    m_slots.push_back(story << 2 | (story != place ? k_reordered_bit : 0));
    if (chaos.duplicates > 0 && uniform(random) < chaos.duplicates) {
      m_redelivered[story] = true;
      const auto later = static_cast<std::uint64_t>(random.between(1, k_farthest_redelivery));
      due.emplace(m_slots.size() - 1 + later, story);
    }
  }
  leave_due(UINT64_MAX);
}

PlannedDelivery DeliveryPlan::at(std::uint64_t slot) const {
  const auto entry = m_slots[slot];
  return {.story = entry >> 2,
          .redelivery = (entry & k_redelivery_bit) != 0,
          .reordered = (entry & k_reordered_bit) != 0};
}

} // namespace linkhook
