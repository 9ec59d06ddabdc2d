#include "listen/listen_report.hpp"

#include <doctest/doctest.h>

using namespace linkhook;

TEST_SUITE("listen/listen_report") {
  TEST_CASE("a delivery is one line, whatever its event, id and reason hold") {
    // Caught by tests/fuzz/fuzz_listener_request: an event "a\nb" in a body forged a second line.
    ReceivedDelivery delivery;
    delivery.event = "link.clicked\n12:00:00.000  200  forged";
    delivery.id = "msg_\x1b[2J";
    delivery.outcome = ReceivedDelivery::Outcome::rejected;
    delivery.status = 400;
    delivery.reason = "bad\rreason";
    for (const auto& line : {listen_json_line(delivery), listen_human_line(delivery, false),
                             listen_human_line(delivery, true)}) {
      CHECK(line.find('\n') == line.size() - 1);
      CHECK(line.find('\r') == std::string::npos);
      CHECK(line.find("\x1b[2J") == std::string::npos);
    }
    const auto line = listen_human_line(delivery, false);
    CHECK(line.find("link.clicked?12:00:00.000  200  forged") != std::string::npos);
    CHECK(line.find("msg_?[2J") != std::string::npos);
  }

  TEST_CASE("a received delivery is stored with its exact headers and body and its verdict") {
    const Headers headers = {{"Webhook-Id", "msg_1"}, {"X-Dup", "a"}, {"x-dup", "b"}};
    ReceivedDelivery delivery;
    delivery.received_at_ms = 1760869800123;
    delivery.event = "link.clicked";
    delivery.outcome = ReceivedDelivery::Outcome::duplicate;
    delivery.status = 200;
    delivery.reason = "duplicate of an acknowledged delivery";
    delivery.url = "https://localhost:4000/hooks?source=ci";
    const std::string body("{\"a\":1}\0\xff", 9);
    const auto record = received_record(headers, body, delivery);
    CHECK(record.id == "msg_1");
    CHECK(record.kind == RecordKind::received);
    CHECK(record.event == "link.clicked");
    CHECK(record.time_ms == 1760869800123);
    CHECK(record.body == body);
    REQUIRE(record.headers.size() == 3);
    CHECK(record.headers[2].name == "x-dup");
    CHECK(record.verdict == Verdict{true, false, 200, "duplicate of an acknowledged delivery"});
    CHECK(record.ref.empty());
    CHECK(record.extra ==
          nlohmann::ordered_json{{"url", "https://localhost:4000/hooks?source=ci"}});

    delivery.outcome = ReceivedDelivery::Outcome::rejected;
    delivery.status = 401;
    const auto rejected = received_record({{"X-Other", "1"}}, "{}", delivery);
    CHECK_FALSE(rejected.verdict.verified);
    CHECK(rejected.id.starts_with("rec_")); // no webhook-id: a fresh id
  }
}
