#include "listen/listen_report.hpp"

#include <doctest/doctest.h>

using namespace linkhook;

TEST_SUITE("listen/listen_report") {
  TEST_CASE("a delivery is one line, whatever its event, id and reason hold") {
    // Caught by tests/fuzz/fuzz_listener_request: an event "a\nb" in a body forged a second line.
    DeliveryReport report;
    report.event = "link.clicked\n12:00:00.000  200  forged";
    report.id = "msg_\x1b[2J";
    report.outcome = DeliveryReport::Outcome::rejected;
    report.status = 400;
    report.reason = "bad\rreason";
    for (const bool json : {false, true}) {
      for (const bool color : {false, true}) {
        const auto line = delivery_line(report, json, color);
        CHECK(line.find('\n') == line.size() - 1);
        CHECK(line.find('\r') == std::string::npos);
        CHECK(line.find("\x1b[2J") == std::string::npos);
      }
    }
    const auto line = delivery_line(report, false, false);
    CHECK(line.find("link.clicked?12:00:00.000  200  forged") != std::string::npos);
    CHECK(line.find("msg_?[2J") != std::string::npos);
  }
}
