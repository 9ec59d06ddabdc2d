#include "net/timer_list.hpp"

#include <chrono>
#include <doctest/doctest.h>
#include <vector>

using linkhook::SteadyClock;
using linkhook::Timer;
using linkhook::TimerList;
using std::chrono::seconds;

namespace {

std::vector<const Timer*> in_order(const TimerList& list) {
  std::vector<const Timer*> timers;
  for (const Timer* t = list.front(); t != nullptr; t = t->later()) {
    timers.push_back(t);
  }
  return timers;
}

} // namespace

TEST_SUITE("net/timer_list") {
  TEST_CASE("timers fall due in order, whatever order they were armed in") {
    const auto t0 = SteadyClock::now();
    TimerList list;
    Timer a;
    Timer b;
    Timer c;
    list.arm(b, t0 + seconds(2));
    list.arm(c, t0 + seconds(3));
    list.arm(a, t0 + seconds(1)); // before the others
    CHECK(in_order(list) == std::vector<const Timer*>{&a, &b, &c});
    list.arm(a, t0 + seconds(4)); // re-armed: moves
    CHECK(in_order(list) == std::vector<const Timer*>{&b, &c, &a});
    c.disarm();
    CHECK_FALSE(c.armed());
    CHECK(in_order(list) == std::vector<const Timer*>{&b, &a});
  }

  TEST_CASE("a timer moves between lists, and leaves its list when destroyed") {
    const auto t0 = SteadyClock::now();
    TimerList first;
    TimerList second;
    Timer kept;
    first.arm(kept, t0);
    {
      Timer gone;
      first.arm(gone, t0 + seconds(1));
      second.arm(kept, t0 + seconds(5));
      CHECK(first.front() == &gone);
    }
    CHECK(first.front() == nullptr);
    CHECK(second.front() == &kept);
  }
}
