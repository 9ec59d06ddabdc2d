#include "listen/delivery_handler.hpp"
#include "listen/listener.hpp"

#include <doctest/doctest.h>
#include <stdexcept>
#include <string>
#include <vector>

using namespace linkhook;

namespace {

// A handler whose signature check passes when the request has "x-valid", and whose store fails
// while `store_fails` is set; it counts the calls of its limit.
struct Handled {
  ListenerConfig config;
  bool store_fails = false;
  std::vector<std::string> stored;
  int limit_calls = 0;
  DeliveryHandler handler;

  explicit Handled(std::vector<std::string> events = {})
      : handler(config, PayloadFilter(std::move(events), {}), FailureOptions{}, hooks(),
                [this] { ++limit_calls; }) {}

  ListenerHooks hooks() {
    ListenerHooks hooks;
    hooks.verify = [](const Headers& headers, std::string_view) {
      const bool valid = headers.contains("x-valid");
      return SignatureCheck{valid, valid ? "" : "no signature", "no signature"};
    };
    hooks.persist = [this](const Headers& headers, std::string_view, const ReceivedDelivery&,
                           const ListenerHooks::Persisted& done) {
      if (store_fails) {
        const linkhook::Error full("disk full");
        done(&full);
        return;
      }
      stored.push_back(*headers.find("webhook-id"));
      done(nullptr);
    };
    return hooks;
  }

  HttpAnswer post(const std::string& id, const std::string& event = "link.clicked",
                  bool valid = true) {
    HttpRequest request{"POST", "/", "", {{"webhook-id", id}}, "{\"event\":\"" + event + "\"}"};
    if (valid) {
      request.headers.add("x-valid", "1");
    }
    HttpAnswer answer;
    handler.handle(request, answer);
    return answer;
  }
};

} // namespace

TEST_SUITE("listen/delivery_handler") {
  TEST_CASE("only POSTs to the path, within --max-body, are deliveries") {
    Handled h;
    h.config.max_body = 10;
    HttpAnswer answer;
    h.handler.handle({"POST", "/other", "", {}, "{}"}, answer);
    CHECK(answer.status == 404);
    answer = {};
    h.handler.handle({"GET", "/", "", {}, ""}, answer);
    CHECK(answer.status == 405);
    CHECK(*answer.headers.find("allow") == "POST");
    CHECK(h.post("msg_1").status == 413);
    CHECK(h.handler.stats().deliveries == 1); // the 413; not the 404 and 405
  }

  TEST_CASE("a duplicate is acknowledged unstored, and a failed store frees the id for the retry") {
    Handled h;
    CHECK(h.post("msg_1").status == 200);
    const auto duplicate = h.post("msg_1");
    CHECK(duplicate.status == 200);
    CHECK(duplicate.body == "duplicate of an acknowledged delivery\n");
    h.store_fails = true;
    const auto failed = h.post("msg_2");
    CHECK(failed.status == 503);
    CHECK(failed.body == "could not store the delivery: disk full\n");
    h.store_fails = false;
    CHECK(h.post("msg_2").body == "verified\n");
    CHECK(h.stored == std::vector<std::string>{"msg_1", "msg_2"});
    const auto stats = h.handler.stats();
    CHECK(stats.deliveries == 4);
    CHECK(stats.duplicates == 1);
    CHECK(stats.store_failed == 1);
    CHECK(stats.stored == 2);
  }

  TEST_CASE("a rejected delivery is stored too, and answered without the check's detail") {
    Handled h;
    const auto answer = h.post("msg_1", "link.clicked", false);
    CHECK(answer.status == 401);
    CHECK(h.stored == std::vector<std::string>{"msg_1"});
    CHECK(h.handler.stats().rejected == 1);
  }

  TEST_CASE("the limit counts what the filters let through, and is reached once") {
    Handled h({"link.*"});
    h.handler.limit_deliveries(2);
    h.post("msg_1");
    CHECK(h.post("msg_2", "account.updated").body.starts_with("filtered out"));
    CHECK(h.limit_calls == 0);
    h.post("msg_3");
    h.post("msg_4");
    CHECK(h.limit_calls == 1);
  }
}
