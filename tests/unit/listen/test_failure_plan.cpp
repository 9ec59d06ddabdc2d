#include "listen/failure_plan.hpp"

#include <doctest/doctest.h>

using namespace linkhook;

TEST_SUITE("listen/failure_plan") {
  TEST_CASE("--fail-first counts every delivery, whatever its id") {
    FailurePlan plan(FailureOptions{2, 0, {}, {}, 1, false});
    CHECK(plan.next("msg_a").status == 500);
    CHECK(plan.next("msg_b").status == 500);
    CHECK(plan.next("msg_a").status == 200);
    CHECK(plan.next("msg_c").status == 200);
  }

  TEST_CASE("--per-id fails each id's first N deliveries, then never again") {
    FailurePlan plan(FailureOptions{2, 0, 503, 120, 1, true});
    for (const char* id : {"msg_a", "msg_b"}) {
      CAPTURE(id);
      const auto first = plan.next(id);
      CHECK(first.status == 503);
      CHECK(first.retry_after == 120);
      CHECK(first.reason == "fail-first 1/2 of this id");
    }
    CHECK(plan.next("msg_a").status == 503);
    CHECK(plan.next("msg_a").status == 200);
    CHECK(plan.next("msg_a").status == 200);
    CHECK(plan.next("msg_b").status == 503);
    CHECK(plan.next("msg_b").status == 200);
  }
}
