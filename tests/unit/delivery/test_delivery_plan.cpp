#include "delivery/delivery_plan.hpp"

#include <doctest/doctest.h>
#include <map>
#include <vector>

using namespace linkhook;

namespace {

std::vector<PlannedDelivery> slots_of(const DeliveryPlan& plan) {
  std::vector<PlannedDelivery> slots;
  for (std::uint64_t i = 0; i < plan.size(); ++i) {
    slots.push_back(plan.at(i));
  }
  return slots;
}

bool same(const std::vector<PlannedDelivery>& a, const std::vector<PlannedDelivery>& b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].story != b[i].story || a[i].redelivery != b[i].redelivery) {
      return false;
    }
  }
  return true;
}

} // namespace

TEST_SUITE("delivery/plan") {
  TEST_CASE("without duplicates or reordering, the story leaves in order") {
    const DeliveryPlan plan(50, {}, 1);
    REQUIRE(plan.size() == 50);
    for (std::uint64_t i = 0; i < 50; ++i) {
      CHECK(plan.at(i).story == i);
      CHECK_FALSE(plan.at(i).redelivery);
      CHECK_FALSE(plan.at(i).reordered);
      CHECK(plan.uses(i) == 1);
    }
  }

  TEST_CASE("reordering shuffles within each window only, and says which moved") {
    const DeliveryPlan plan(1003, {.duplicates = 0, .reorder = 10}, 7);
    REQUIRE(plan.size() == 1003);
    std::uint64_t moved = 0;
    for (std::uint64_t i = 0; i < plan.size(); ++i) {
      const auto slot = plan.at(i);
      CHECK(slot.story / 10 == i / 10); // the window it was in
      CHECK(slot.reordered == (slot.story != i));
      moved += slot.reordered ? 1U : 0U;
    }
    CHECK(moved > 700); // a shuffle of 10 leaves 1 in place on average
    CHECK(same(slots_of(plan), slots_of(DeliveryPlan(1003, {.reorder = 10}, 7))));
    CHECK_FALSE(same(slots_of(plan), slots_of(DeliveryPlan(1003, {.reorder = 10}, 8))));
  }

  TEST_CASE("each redelivery leaves after its original, soon, and only for the story it repeats") {
    const ChaosOptions chaos{.duplicates = 0.3, .reorder = 4};
    const DeliveryPlan plan(10000, chaos, 3);
    std::map<std::uint64_t, std::uint64_t> original_at;
    std::uint64_t redeliveries = 0;
    for (std::uint64_t i = 0; i < plan.size(); ++i) {
      const auto slot = plan.at(i);
      if (!slot.redelivery) {
        CHECK(original_at.emplace(slot.story, i).second); // each story delivery once
        continue;
      }
      ++redeliveries;
      CHECK(plan.uses(slot.story) == 2);
      REQUIRE(original_at.count(slot.story) == 1); // its original left before it
      CHECK(i > original_at[slot.story]);
      // 1 to 16 later, plus those that fell due at the same slots.
      CHECK(i <= original_at[slot.story] + DeliveryPlan::k_farthest_redelivery + 8);
    }
    CHECK(original_at.size() == 10000);
    CHECK(plan.size() == 10000 + redeliveries);
    CHECK(redeliveries > 2700); // 3000 expected; the standard deviation is 46
    CHECK(redeliveries < 3300);
    CHECK(same(slots_of(plan), slots_of(DeliveryPlan(10000, chaos, 3))));
  }

  TEST_CASE("every delivery is redelivered at probability 1, none at 0") {
    CHECK(DeliveryPlan(100, {.duplicates = 1}, 5).size() == 200);
    CHECK(DeliveryPlan(100, {.duplicates = 0, .reorder = 3}, 5).size() == 100);
  }
}
