#include "delivery/delivery_config.hpp"

#include <doctest/doctest.h>
#include <string>
#include <vector>

using namespace linkhook;

namespace {

std::vector<std::string> lines(const Headers& headers) {
  std::vector<std::string> out;
  for (const auto& header : headers) {
    out.push_back(header.name + ": " + header.value);
  }
  return out;
}

} // namespace

TEST_SUITE("delivery/delivery_config") {
  TEST_CASE("an attempt's headers: signed, -H replacing the first of a name, then the defaults") {
    const auto secret = Secret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", Scheme::standard);
    DeliveryConfig config;
    config.secret = &secret;
    config.client.user_agent = "linkhook/test";
    const Message message{"msg_1", 1760869800, "{}"};
    const auto plain = lines(delivery_headers(config, message, {}));
    REQUIRE(plain.size() == 5);
    CHECK(plain[0] == "webhook-id: msg_1");
    CHECK(plain[3] == "Content-Type: application/json");
    CHECK(plain[4] == "User-Agent: linkhook/test");

    const Headers extra = {{"Webhook-Id", "forged"},
                           {"webhook-id", "second"},
                           {"X-Team", "a"},
                           {"user-agent", "mine"}};
    CHECK(lines(delivery_headers(config, message, extra)) ==
          std::vector<std::string>{"Webhook-Id: forged", plain[1], plain[2], "webhook-id: second",
                                   "X-Team: a", "user-agent: mine",
                                   "Content-Type: application/json"});
  }

  TEST_CASE("stopped once the stop flag it points to is set, never without one") {
    DeliveryConfig config;
    CHECK_FALSE(config.stopped());
    std::atomic<bool> stop{false};
    config.stop = &stop;
    CHECK_FALSE(config.stopped());
    stop = true;
    CHECK(config.stopped());
  }
}
