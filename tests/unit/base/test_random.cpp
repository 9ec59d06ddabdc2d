#include "base/random.hpp"

#include <array>
#include <doctest/doctest.h>
#include <vector>

using namespace linkhook;

TEST_SUITE("base/random") {
  TEST_CASE("a seed fixes the sequence, another seed gives another") {
    Random a(42);
    Random b(42);
    Random c(43);
    bool differs = false;
    for (int i = 0; i < 100; ++i) {
      const auto x = a.next();
      CHECK(x == b.next());
      differs = differs || x != c.next();
    }
    CHECK(differs);
  }

  TEST_CASE("the sequence of a seed is fixed by this code, not the platform") {
    // xoshiro256** seeded through SplitMix64 with 0: a change here changes every seeded payload.
    Random r(0);
    CHECK(r.next() == 0x99ec5f36cb75f2b4ULL);
  }

  TEST_CASE("below and between stay in range and reach every value") {
    Random r(7);
    std::array<int, 10> seen{};
    for (int i = 0; i < 10000; ++i) {
      const auto v = r.below(10);
      REQUIRE(v < 10);
      ++seen[v];
      const auto w = r.between(-3, 3);
      REQUIRE(w >= -3);
      REQUIRE(w <= 3);
    }
    for (const int count : seen) {
      CHECK(count > 800); // 1000 expected each; a broken reduction skews far more
      CHECK(count < 1200);
    }
    CHECK(r.below(1) == 0);
  }
}
