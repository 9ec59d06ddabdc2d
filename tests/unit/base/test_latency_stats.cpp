#include "base/latency_stats.hpp"

#include <doctest/doctest.h>

using linkhook::format_ms;
using linkhook::LatencyStats;

TEST_SUITE("base/latency_stats") {
  TEST_CASE("format_ms gives each latency the precision its size deserves") {
    CHECK(format_ms(0) == "0ms");
    CHECK(format_ms(0.04) == "0.04ms"); // not "0ms" beside a "3.2ms"
    CHECK(format_ms(0.4213) == "0.42ms");
    CHECK(format_ms(3.24) == "3.2ms");
    CHECK(format_ms(45.4) == "45ms");
    CHECK(format_ms(1234) == "1.2s");
    CHECK(format_ms(45'000) == "45s");
  }

  TEST_CASE("no samples give zeros") {
    const LatencyStats stats;
    CHECK(stats.count() == 0);
    CHECK(stats.percentile(50) == 0);
    CHECK(stats.max() == 0);
  }

  TEST_CASE("nearest-rank percentiles of 1 to 100") {
    LatencyStats stats;
    for (int i = 100; i >= 1; --i) {
      stats.add(i);
    }
    CHECK(stats.count() == 100);
    CHECK(stats.percentile(50) == 50);
    CHECK(stats.percentile(90) == 90);
    CHECK(stats.percentile(99) == 99);
    CHECK(stats.percentile(99.5) == 100);
    CHECK(stats.percentile(0) == 1);
    CHECK(stats.max() == 100);
  }

  TEST_CASE("a sample added after a query is counted, and merge keeps all samples") {
    LatencyStats a;
    a.add(3);
    a.add(1);
    CHECK(a.max() == 3);
    a.add(7);
    CHECK(a.max() == 7);
    LatencyStats b;
    b.add(2);
    b.add(10);
    a.merge(b);
    CHECK(a.count() == 5);
    CHECK(a.percentile(50) == 3);
    CHECK(a.max() == 10);
  }
}
