#include "net/connections.hpp"

#include <atomic>
#include <chrono>
#include <doctest/doctest.h>
#include <latch>
#include <semaphore>

using namespace std::chrono_literals;

TEST_SUITE("net/connections") {
  TEST_CASE("connections beyond the ready workers get threads of their own, up to the maximum") {
    std::counting_semaphore<> started(0);
    std::latch release(1);
    std::atomic<int> done{0};
    const auto connection = [&] {
      started.release();
      release.wait(); // a connection held open, as an idle client holds it
      ++done;
    };
    linkhook::ConnectionWorkers workers(1, 4);
    for (int i = 0; i < 4; ++i) {
      workers.enqueue(connection);
    }
    for (int i = 0; i < 4; ++i) { // all four at once, though one worker is kept ready
      CHECK(started.try_acquire_for(5s));
    }
    workers.enqueue(connection); // beyond the maximum: waits for a worker
    release.count_down();
    workers.shutdown(); // serves what waits, then ends every thread
    CHECK(done == 5);
  }
}
