#include "delivery/send_report.hpp"

#include <doctest/doctest.h>

using namespace linkhook;

namespace {

SentDelivery delivery(int status, DeliveryError error = DeliveryError::none) {
  SentDelivery d;
  d.id = "msg_1";
  d.event = "link.clicked";
  d.body = "{}";
  d.headers = {{"webhook-id", "msg_1"}};
  d.sent_at_ms = 1760869800123;
  d.outcome.status = status;
  d.outcome.error = error;
  d.outcome.ms = 1.26;
  return d;
}

} // namespace

TEST_SUITE("delivery/send_report") {
  TEST_CASE("a 2xx line holds the contract's fields and nothing else") {
    CHECK(send_json_line(delivery(204), false) ==
          R"({"id":"msg_1","event":"link.clicked","status":204,"ms":1.3,"ok":true})"
          "\n");
    CHECK(send_human_line(delivery(204), false, false) == "link.clicked msg_1 204 1.3ms\n");
  }

  TEST_CASE("a failure shows the answer's first bytes, a redirect where it pointed") {
    auto failed = delivery(500);
    failed.outcome.body_prefix = "boom";
    failed.attempts = 3;
    CHECK(send_json_line(failed, false) ==
          R"({"id":"msg_1","event":"link.clicked","status":500,"ms":1.3,"ok":false,)"
          R"("attempts":3,"response":"boom"})"
          "\n");
    CHECK(send_human_line(failed, false, false) ==
          "link.clicked msg_1 500 1.3ms after 3 attempts  boom\n");
    failed.outcome.body_prefix = "{\"error\": \"no\"}\n";
    failed.outcome.body_cut = true;
    CHECK(send_human_line(failed, false, false) ==
          "link.clicked msg_1 500 1.3ms after 3 attempts  {\"error\": \"no\"}…\n");
    auto moved = delivery(301);
    moved.outcome.location = "https://example.com/new";
    CHECK(send_human_line(moved, false, false) ==
          "link.clicked msg_1 301 1.3ms  -> https://example.com/new (redirects are not "
          "followed)\n");
    CHECK(outcome_reason(moved.outcome) == "redirected to https://example.com/new (not followed)");
  }

  TEST_CASE("no answer names the kind of error") {
    auto refused = delivery(0, DeliveryError::refused);
    refused.outcome.error_text = "cannot connect to http://127.0.0.1:1";
    CHECK(send_json_line(refused, false) ==
          R"({"id":"msg_1","event":"link.clicked","status":0,"ms":1.3,"ok":false,)"
          R"("error":"refused","reason":"cannot connect to http://127.0.0.1:1"})"
          "\n");
    CHECK(send_human_line(refused, false, false) ==
          "link.clicked msg_1 refused 1.3ms  cannot connect to http://127.0.0.1:1\n");
    CHECK(!delivery(200, DeliveryError::timeout).outcome.ok()); // a 2xx that did not end
  }

  TEST_CASE("the stored record keeps what was sent and how it ended") {
    const auto record = sent_record(delivery(200), {"http", "127.0.0.1", 4000, "/hook"});
    CHECK(record.id == "msg_1");
    CHECK(record.kind == RecordKind::sent);
    CHECK(record.time_ms == 1760869800123);
    CHECK(record.body == "{}");
    CHECK(record.headers.size() == 1);
    CHECK(record.verdict.status == 200);
    CHECK(record.verdict.reason == "delivered");
    CHECK(record.extra.dump() ==
          R"({"url":"http://127.0.0.1:4000/hook","ms":1.3,"attempts":1,"error":""})");
  }

  TEST_CASE("the summary counts, rates and percentiles") {
    SendSummary summary;
    summary.sent = 4;
    summary.succeeded = 2;
    summary.statuses[503] = 1;
    summary.errors["timeout"] = 1;
    summary.seconds = 2;
    for (const double ms : {1.0, 2.0, 3.0, 40.0}) {
      summary.latency.add(ms);
    }
    CHECK(send_summary_json(summary) ==
          R"({"summary":{"sent":4,"2xx":2,"failed":2,"statuses":{"503":1},"errors":{"timeout":1},)"
          R"("seconds":2.0,"per_second":2.0,"p50_ms":2.0,"p90_ms":40.0,"p99_ms":40.0,)"
          R"("max_ms":40.0}})"
          "\n");
    CHECK(send_summary_text(summary) ==
          "4 sent: 2 2xx, 2 failed (503: 1, timeout: 1)\n"
          "2.0 deliveries/s over 2.0s; latency p50 2.0ms, p90 40ms, p99 40ms, max 40ms\n");
    summary.latency = {};
    for (const double ms : {0.04, 3.2}) {
      summary.latency.add(ms);
    }
    CHECK(send_summary_text(summary).ends_with("latency p50 0.04ms, p90 3.2ms, p99 3.2ms, max "
                                               "3.2ms\n"));
  }
}
