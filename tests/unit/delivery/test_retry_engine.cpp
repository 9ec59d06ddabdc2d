#include "delivery/retry_engine.hpp"

#include <doctest/doctest.h>
#include <string_view>
#include <vector>

using namespace linkhook;
using namespace std::chrono_literals;

namespace {

DeliveryOutcome answer(int status, std::string retry_after = {}) {
  DeliveryOutcome outcome;
  outcome.status = status;
  outcome.retry_after = std::move(retry_after);
  return outcome;
}

DeliveryOutcome no_answer(DeliveryError error) {
  DeliveryOutcome outcome;
  outcome.error = error;
  outcome.error_text = "no answer";
  return outcome;
}

// A timeline on the virtual clock against an endpoint that answers `script` in order (its last
// answer repeating): the attempts it made and how it ended.
struct Run {
  std::vector<Attempt> attempts;
  Decision ending = Decision::retry;
  Milliseconds clock_at{0};

  std::vector<Milliseconds> offsets() const {
    std::vector<Milliseconds> at;
    for (const auto& attempt : attempts) {
      at.push_back(attempt.at);
    }
    return at;
  }
};

// Runs a timeline on the virtual clock as replay's lanes do, the outcomes taken from `script`
// (its last one repeating).
Run run(const RetryPolicy& policy, const std::vector<DeliveryOutcome>& script) {
  Run result;
  VirtualClock clock;
  Timeline timeline(policy, clock);
  for (std::size_t calls = 0;; ++calls) {
    clock.arrive(timeline.next_due());
    const auto at = timeline.begin_attempt();
    result.attempts.push_back(timeline.attempted(at, script[std::min(calls, script.size() - 1)]));
    if (result.attempts.back().decision != Decision::retry) {
      break;
    }
  }
  result.ending = result.attempts.back().decision;
  result.clock_at = clock.now();
  return result;
}

RetryPolicy policy(const char* schedule, std::optional<std::size_t> max_attempts = {}) {
  return RetryPolicy{RetrySchedule::parse(schedule, 7), max_attempts, std::nullopt};
}

} // namespace

TEST_SUITE("delivery/retry_engine") {
  TEST_CASE("standard: eight attempts at the Standard Webhooks offsets, then gave up") {
    const auto r = run(policy("standard"), {answer(500)});
    CHECK(r.offsets() == std::vector<Milliseconds>{0s, 5s, 5min + 5s, 35min + 5s, 2h + 35min + 5s,
                                                   7h + 35min + 5s, 17h + 35min + 5s,
                                                   27h + 35min + 5s});
    CHECK(r.ending == Decision::gave_up);
    CHECK(r.attempts.back().decision == Decision::gave_up);
    CHECK(r.attempts[1].decision == Decision::retry);
    CHECK(r.attempts[1].wait == 5min);
    CHECK(planned_offsets(policy("standard")) == r.offsets());
  }

  TEST_CASE("failing twice, then 2xx: +0s, +5s, +5m5s, delivered") {
    const auto r = run(policy("standard"), {answer(500), answer(500), answer(200)});
    CHECK(r.offsets() == std::vector<Milliseconds>{0s, 5s, 5min + 5s});
    CHECK(r.ending == Decision::delivered);
    CHECK(r.attempts.back().decision == Decision::delivered);
  }

  TEST_CASE("a LIST's first wait comes before the first attempt, its last one repeats") {
    const auto r = run(policy("1s,5s,1m", 5), {no_answer(DeliveryError::refused)});
    CHECK(r.offsets() == std::vector<Milliseconds>{1s, 6s, 66s, 126s, 186s});
    CHECK(r.ending == Decision::gave_up);
  }

  TEST_CASE("--max-attempts cuts the schedule") {
    const auto r = run(policy("standard", 3), {answer(502)});
    CHECK(r.offsets() == std::vector<Milliseconds>{0s, 5s, 5min + 5s});
    CHECK(r.ending == Decision::gave_up);
    CHECK(policy("standard", 1).attempts() == 1);
  }

  TEST_CASE("exponential: the seed fixes every offset, eight attempts unless told") {
    const RetryPolicy seven{RetrySchedule::exponential(7), {}, {}};
    const auto r = run(seven, {answer(500)});
    // The waits of test_retry_schedule's seed 7, added up.
    const auto offsets = r.offsets();
    CHECK(std::vector<Milliseconds>(offsets.begin(), offsets.begin() + 6) ==
          std::vector<Milliseconds>{0ms, 154ms, 1579ms, 4148ms, 5015ms, 18550ms});
    CHECK(r.offsets() == run(seven, {answer(500)}).offsets());
    CHECK(r.offsets() !=
          run(RetryPolicy{RetrySchedule::exponential(8), {}, {}}, {answer(500)}).offsets());
    CHECK(r.attempts.size() == k_exponential_attempts);
  }

  TEST_CASE("410 is gone after one attempt") {
    const auto r = run(policy("standard"), {answer(410)});
    CHECK(r.attempts.size() == 1);
    CHECK(r.ending == Decision::gone);
  }

  TEST_CASE("3xx, 4xx, timeouts, refused and TLS errors are retried") {
    for (const auto& outcome :
         {answer(301), answer(400), answer(404), answer(500), no_answer(DeliveryError::timeout),
          no_answer(DeliveryError::refused), no_answer(DeliveryError::tls)}) {
      CAPTURE(outcome.status);
      CHECK(decide(policy("standard"), 1, outcome, 0).decision == Decision::retry);
    }
  }

  TEST_CASE("Retry-After in seconds on 503 and 429 waits longer than the schedule") {
    const auto r = run(policy("standard"), {answer(503, "120"), answer(429, "600"), answer(200)});
    CHECK(r.offsets() == std::vector<Milliseconds>{0s, 120s, 720s});
    CHECK(r.attempts[0].wait == 120s);
    CHECK(r.ending == Decision::delivered);
  }

  TEST_CASE("a shorter Retry-After, or one on another status, keeps the schedule's wait") {
    CHECK(decide(policy("standard"), 2, answer(503, "10"), 0).wait == 5min);
    CHECK(decide(policy("standard"), 1, answer(500, "120"), 0).wait == 5s);
    CHECK(decide(policy("standard"), 1, answer(503, "soon"), 0).wait == 5s);
  }

  TEST_CASE("Retry-After as an HTTP date counts from now") {
    const UnixSeconds now = 1445412180; // Wed, 21 Oct 2015 07:23:00 GMT
    CHECK(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now) == 300s);
    CHECK(parse_retry_after("Wed, 21 Oct 2015 07:20:00 GMT", now) == 0s);
    CHECK(parse_retry_after("120", now) == 120s);
    CHECK(!parse_retry_after("Wed, 21 Oct 2015", now));
    CHECK(!parse_retry_after("-5", now));
    CHECK(!parse_retry_after("", now));
    // Found by tests/fuzz/fuzz_retry_after: bytes after a NUL were ignored.
    CHECK(!parse_retry_after(std::string_view("Wed, 21 Oct 2015 07:28:00 GMT\0junk", 34), now));
    CHECK(decide(policy("standard"), 1, answer(429, "Wed, 21 Oct 2015 07:28:00 GMT"), now).wait ==
          300s);
  }

  TEST_CASE("--max-wait caps scheduled waits and Retry-After alike") {
    RetryPolicy capped{RetrySchedule::standard(), 3, 60s};
    const auto r = run(capped, {answer(503, "3600")});
    CHECK(r.offsets() == std::vector<Milliseconds>{0s, 60s, 120s});
  }

  TEST_CASE("the virtual clock jumps, never waits") {
    VirtualClock clock;
    CHECK(clock.real_wait_until(10h) == std::chrono::steady_clock::duration::zero());
    clock.arrive(10h);
    clock.arrive(1h); // the past: no change
    CHECK(clock.now() == 10h);
  }

  TEST_CASE("a scaled real clock waits a fraction of the simulated wait") {
    RealClock clock(0.0001);
    const auto wait = clock.real_wait_until(100s); // 10 ms for real
    CHECK(wait <= 10ms);
    CHECK(wait > 9ms);
    clock.arrive(100s);
    CHECK(clock.now() >= 100s);
    CHECK(clock.real_wait_until(50s) == std::chrono::steady_clock::duration::zero());
  }

  TEST_CASE("decision names") {
    CHECK(decision_name(Decision::gave_up) == "gave up");
    CHECK(decision_name(Decision::delivered) == "delivered");
  }
}
