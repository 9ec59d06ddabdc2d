// listen with the event store on: what is acknowledged is stored, byte for byte, and stays so
// when the listener is killed under load.
#include "cli_helpers.hpp"
#include "listener_fixture.hpp"
#include "temp_dir.hpp"

#include <atomic>
#include <csignal>
#include <map>
#include <mutex>
#include <thread>

using namespace linkhook::test;
using Json = nlohmann::json;

namespace {

std::vector<Json> store_records(const TempDir& store) {
  const auto listed = run_linkhook({"store", "list", "--json", "--store", store.path().string()});
  REQUIRE(listed.exit_code == 0);
  std::vector<Json> records;
  for (const auto& line : lines_of(listed.out)) {
    records.push_back(Json::parse(line));
  }
  return records;
}

} // namespace

TEST_SUITE("cli.listen.store") {
  TEST_CASE("verified deliveries are stored with their exact bytes, rejected ones marked") {
    TempDir store;
    RunningListener listener({"--secret", k_test_secret, "--store", store.path().string(),
                              "--max-events", "3", "--timeout", "20"});
    const std::string body = "{ \"event\": \"qr.scanned\",\n  \"data\": {} }"; // odd spacing kept
    CHECK(post(listener.url(), signed_headers(body, {"--id", "msg_kept"}), body)->status == 200);
    CHECK(post(listener.url(), signed_headers(body, {"--id", "msg_kept"}), body)->status == 200);
    CHECK(post(listener.url(), signed_headers(body, {"--id", "msg_bad"}), body + "x")->status ==
          401);
    CHECK(listener.process().wait() == 1);
    CHECK(listener.process().err().find("1 stored") != std::string::npos);

    const auto records = store_records(store);
    REQUIRE(records.size() == 2); // the duplicate is acknowledged, not stored twice
    CHECK(records[0]["id"] == "msg_kept");
    CHECK(records[0]["event"] == "qr.scanned");
    CHECK(records[1]["id"] == "msg_bad");
    const auto shown =
        run_linkhook({"store", "show", "msg_kept", "--json", "--store", store.path().string()});
    REQUIRE(shown.exit_code == 0);
    const auto record = Json::parse(shown.out);
    CHECK(record["body"] == body);
    CHECK(record["extra"]["url"] == listener.url()); // what a HAR export gives as its URL
    CHECK(record.dump().find("webhook-signature") != std::string::npos);
    const auto rejected = run_linkhook(
        {"store", "list", "--verdict", "rejected", "--json", "--store", store.path().string()});
    CHECK(lines_of(rejected.out).size() == 1);
  }

  TEST_CASE("killed with SIGKILL under load, every acknowledged delivery is stored exactly once") {
    TempDir store;
    constexpr std::size_t k_kill_after = 60;
    const std::string body = R"({"event":"link.clicked","data":{"n":1}})";
    RunningListener listener(
        {"--secret", k_test_secret, "--store", store.path().string(), "--quiet"});
    // The load is linkhook send itself: far more deliveries than reach the kill, four in flight,
    // each line saying whether the listener acknowledged it (2xx, answer complete).
    Process send({linkhook_binary(), "send", "link.clicked", "--count", "5000", "--concurrency",
                  "4", "--url", listener.url(), "--secret", k_test_secret, "--no-store", "--json"});
    std::vector<std::string> acknowledged;
    const auto note = [&](const std::string& line) {
      const auto delivery = Json::parse(line);
      if (delivery.contains("id") && delivery["ok"] == true) {
        acknowledged.push_back(delivery["id"].get<std::string>());
      }
    };
    while (acknowledged.size() < k_kill_after) {
      const auto line = send.read_line(std::chrono::seconds(20));
      REQUIRE(line);
      note(*line);
    }
    listener.process().send_signal(SIGKILL);
    CHECK(send.wait(std::chrono::seconds(40)) == 1); // the deliveries after the kill failed
    for (const auto& line : lines_of(send.rest_of_out())) {
      note(line); // answered before the kill, printed after it
    }
    CHECK(listener.process().wait() == 128 + SIGKILL);

    std::map<std::string, int> stored;
    for (const auto& record : store_records(store)) {
      ++stored[record["id"].get<std::string>()];
    }
    for (const auto& id : acknowledged) {
      CHECK_MESSAGE(stored[id] == 1, id);
    }

    // A new listener appends to the same store after the crash.
    RunningListener restarted({"--secret", k_test_secret, "--store", store.path().string(),
                               "--max-events", "1", "--timeout", "20"});
    CHECK(post(restarted.url(), signed_headers(body, {"--id", "msg_after"}), body)->status == 200);
    const int restarted_exit = restarted.process().wait();
    CHECK_MESSAGE(restarted_exit == 0, restarted.process().err());
    const auto after = store_records(store);
    CHECK(after.back()["id"] == "msg_after");
  }

  TEST_CASE("a store that cannot be opened is a usage error before listening") {
    TempDir dir;
    const auto file = dir / "not-a-directory";
    run({"sh", "-c", "echo x > \"$0\"", file.string()});
    check_usage_error(run_linkhook({"listen", "--secret", k_test_secret, "--port", "0", "--store",
                                    file.string()}),
                      "not-a-directory");
  }
}
