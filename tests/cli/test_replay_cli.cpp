#include "send_helpers.hpp"
#include "temp_dir.hpp"

#include <csignal>

using namespace linkhook::test;
using Json = nlohmann::json;

namespace {

const std::string k_closed = "http://127.0.0.1:1/";

// Stores a sent `event` under `id` in `store` (sent to a closed port: the record is kept).
void store_event(const std::string& store, const std::string& id,
                 const std::string& event = "link.clicked") {
  const auto r = run_linkhook(
      {"send", event, "--url", k_closed, "--secret", k_test_secret, "--id", id, "--store", store});
  REQUIRE_MESSAGE(r.exit_code == 1, r.err);
}

// A fresh store holding one sent event.
struct StoredEvent {
  explicit StoredEvent(const std::string& id, const std::string& event = "link.clicked") {
    store_event(store, id, event);
  }
  TempDir dir;
  std::string store = (dir / "store").string();
};

Result replay(const std::string& store, const std::string& url, std::vector<std::string> args) {
  args.insert(args.begin(), {"replay", "--url", url, "--secret", k_test_secret, "--store", store});
  return run_linkhook(args, {}, {{"NO_COLOR", "1"}});
}

std::vector<double> offsets(const std::vector<Json>& lines) {
  std::vector<double> at;
  for (const auto& line : lines) {
    if (line.contains("at_s")) {
      at.push_back(line["at_s"].get<double>());
    }
  }
  return at;
}

// The listener's next `count` delivery lines.
std::vector<Json> deliveries(RunningListener& listener, std::size_t count) {
  std::vector<Json> lines;
  for (std::size_t i = 0; i < count; ++i) {
    lines.push_back(Json::parse(listener.next_line()));
  }
  return lines;
}

} // namespace

TEST_SUITE("cli.replay") {
  TEST_CASE(
      "--fail-first 2: attempts at +0s, +5s, +5m5s, delivered, the same webhook-id each time") {
    const StoredEvent stored("msg_replay_ff");
    const auto& store = stored.store;
    RunningListener listener(
        {"--secret", k_test_secret, "--no-store", "--fail-first", "2", "--timeout", "20"});
    const auto r = replay(store, listener.url(), {"msg_replay_ff", "--json"});
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    const auto lines = json_lines(r.out);
    REQUIRE(lines.size() == 4);
    CHECK(offsets(lines) == std::vector<double>{0, 5, 305});
    CHECK(lines[0]["id"] == "msg_replay_ff");
    CHECK(lines[0]["attempt"] == 1);
    CHECK(lines[0]["status"] == 500);
    CHECK(lines[0]["decision"] == "retry");
    CHECK(lines[1]["wait_s"] == 300);
    CHECK(lines[2]["status"] == 200);
    CHECK(lines[2]["decision"] == "delivered");
    CHECK(lines[3]["summary"]["delivered"] == 1);
    CHECK(lines[3]["summary"]["attempts"] == 3);
    CHECK(lines[3]["summary"]["simulated_s"] == 305);
    const auto seen = deliveries(listener, 3);
    for (const auto& delivery : seen) {
      CHECK(delivery["id"] == "msg_replay_ff");
      CHECK(delivery["verified"] == true);
    }
    CHECK(seen[0]["status"] == 500);
    CHECK(seen[2]["status"] == 200);
  }

  TEST_CASE("the human timeline: attempt, offset, status, decision, then the summary") {
    const StoredEvent stored("msg_replay_text", "qr.scanned");
    const auto& store = stored.store;
    RunningListener listener(
        {"--secret", k_test_secret, "--no-store", "--fail-first", "2", "--timeout", "20"});
    const auto r = replay(store, listener.url(), {"msg_replay_text"});
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    const auto lines = lines_of(r.out);
    REQUIRE(lines.size() == 6);
    CHECK(lines[0] == "qr.scanned msg_replay_text");
    CHECK(lines[1] == "  #1  +0s         500      retry in 5s");
    CHECK(lines[2] == "  #2  +5s         500      retry in 5m0s");
    CHECK(lines[3] == "  #3  +5m5s       200      delivered");
    CHECK(lines[4] == "1 event: 1 delivered, 0 gone, 0 gave up; 3 attempts");
    CHECK(lines[5].starts_with("simulated span 5m5s; real time "));
    CHECK(r.err.find("virtual clock") != std::string::npos);
    CHECK(r.err.find(k_test_secret) == std::string::npos);
  }

  TEST_CASE("--quiet: only the summary, as text or JSON") {
    const StoredEvent stored("msg_replay_quiet");
    RunningListener listener(
        {"--secret", k_test_secret, "--no-store", "--fail-first", "1", "--timeout", "20"});
    auto r = replay(stored.store, listener.url(), {"msg_replay_quiet", "--quiet", "--json"});
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    const auto lines = json_lines(r.out);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0]["summary"]["attempts"] == 2);
    r = replay(stored.store, listener.url(), {"msg_replay_quiet", "-q"});
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    REQUIRE(lines_of(r.out).size() == 2);
    CHECK(lines_of(r.out)[0] == "1 event: 1 delivered, 0 gone, 0 gave up; 1 attempt");
  }

  TEST_CASE("--status 410: gone after one attempt, exit 1") {
    const StoredEvent stored("msg_replay_gone");
    const auto& store = stored.store;
    RunningListener listener(
        {"--secret", k_test_secret, "--no-store", "--status", "410", "--timeout", "20"});
    const auto r = replay(store, listener.url(), {"msg_replay_gone", "--json"});
    CHECK(r.exit_code == 1);
    const auto lines = json_lines(r.out);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0]["status"] == 410);
    CHECK(lines[0]["decision"] == "gone");
    CHECK(lines[1]["summary"]["gone"] == 1);
  }

  TEST_CASE("--status 503 --retry-after 120: the next attempt waits 120 s, not 5 s") {
    const StoredEvent stored("msg_replay_503");
    const auto& store = stored.store;
    RunningListener listener({"--secret", k_test_secret, "--no-store", "--status", "503",
                              "--retry-after", "120", "--timeout", "20"});
    const auto r =
        replay(store, listener.url(), {"msg_replay_503", "--json", "--max-attempts", "3"});
    CHECK(r.exit_code == 1);
    const auto lines = json_lines(r.out);
    REQUIRE(lines.size() == 4);
    CHECK(lines[0]["retry_after"] == "120");
    CHECK(lines[0]["wait_s"] == 120);
    CHECK(offsets(lines) == std::vector<double>{0, 120, 420}); // then 5m, longer than 120 s
    CHECK(lines[2]["decision"] == "gave up");
  }

  TEST_CASE("a listener that always fails: the whole standard schedule, gave up, exit 1") {
    const StoredEvent stored("msg_replay_500");
    const auto& store = stored.store;
    RunningListener listener(
        {"--secret", k_test_secret, "--no-store", "--status", "500", "--timeout", "20"});
    const auto r = replay(store, listener.url(), {"msg_replay_500", "--json"});
    CHECK(r.exit_code == 1);
    const auto lines = json_lines(r.out);
    REQUIRE(lines.size() == 9);
    CHECK(offsets(lines) ==
          std::vector<double>{0, 5, 305, 2105, 9305, 27305, 63305, 99305}); // to +27h35m5s
    CHECK(lines[7]["decision"] == "gave up");
    CHECK(lines[8]["summary"]["gave_up"] == 1);
    CHECK(deliveries(listener, 8).back()["id"] == "msg_replay_500");
  }

  TEST_CASE("a closed port: connection errors are retried, then gave up") {
    const StoredEvent stored("msg_replay_closed");
    const auto& store = stored.store;
    const auto r = replay(store, k_closed, {"msg_replay_closed", "--json"});
    CHECK(r.exit_code == 1);
    const auto lines = json_lines(r.out);
    REQUIRE(lines.size() == 9);
    CHECK(lines[0]["status"] == 0);
    CHECK(lines[0]["error"] == "refused");
    CHECK(lines[0]["decision"] == "retry");
    CHECK(lines[7]["decision"] == "gave up");
  }

  TEST_CASE("a 200 whose body does not end within --timeout is a failed attempt") {
    const StoredEvent stored("msg_replay_unfinished");
    for (const auto& answer : unfinished_answers()) {
      RawServer server(answer);
      const auto r = replay(stored.store, server.url(),
                            {"msg_replay_unfinished", "--max-attempts", "1", "--timeout", "1",
                             "--no-store", "--json"});
      CHECK(r.exit_code == 1);
      const auto lines = json_lines(r.out);
      REQUIRE(lines.size() == 2);
      CHECK(lines[0]["status"] == 0);
      CHECK(lines[0]["error"] == "timeout");
      CHECK(lines[0]["decision"] == "gave up");
      CHECK(lines[1]["summary"]["delivered"] == 0);
    }
  }

  TEST_CASE("--dry-run prints the planned attempts and sends nothing") {
    const StoredEvent stored("msg_replay_plan");
    const auto& store = stored.store;
    RunningListener listener({"--secret", k_test_secret, "--no-store", "--timeout", "20"});
    const auto r =
        run_linkhook({"replay", "msg_replay_plan", "--url", listener.url(), "--store", store,
                      "--dry-run", "--json", "--schedule", "0,5s,1m", "--max-attempts", "4"},
                     {}, {{"LINKHOOK_SECRET", ""}});
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    const auto lines = json_lines(r.out);
    REQUIRE(lines.size() == 4);
    CHECK(offsets(lines) == std::vector<double>{0, 5, 65, 125}); // the last wait repeats
    CHECK(lines[0]["decision"] == "planned");
    const auto text =
        replay(store, listener.url(), {"msg_replay_plan", "--dry-run", "--max-attempts", "2"});
    CHECK(lines_of(text.out) == std::vector<std::string>{"link.clicked msg_replay_plan",
                                                         "  #1  +0s         then wait 5s",
                                                         "  #2  +5s         last attempt"});
    CHECK(!listener.process().read_line(200ms)); // nothing was sent
  }

  TEST_CASE(
      "store list --failed lists what gave up, and replayed by id it is delivered and leaves") {
    const StoredEvent stored("msg_replay_again");
    const auto& store = stored.store;
    store_event(store, "msg_replay_other", "team.member_added");
    CHECK(replay(store, k_closed, {"msg_replay_again", "--max-attempts", "2"}).exit_code == 1);
    auto listed = run_linkhook({"store", "list", "--failed", "--store", store, "--json"});
    CHECK_MESSAGE(listed.exit_code == 0, listed.err);
    auto failed = json_lines(listed.out);
    REQUIRE(failed.size() == 1);
    CHECK(failed[0]["id"] == "msg_replay_again");
    CHECK(failed[0]["ending"] == "gave up");
    CHECK(failed[0]["attempts"] == 2);
    const auto table = run_linkhook({"store", "list", "--failed", "--store", store});
    CHECK(table.out.find("msg_replay_again  sent  link.clicked  gave up") != std::string::npos);

    RunningListener listener({"--secret", k_test_secret, "--no-store", "--timeout", "20"});
    const auto again = replay(store, listener.url(), {"--failed", "--json"});
    CHECK_MESSAGE(again.exit_code == 0, again.err);
    const auto lines = json_lines(again.out);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0]["id"] == "msg_replay_again");
    listed = run_linkhook({"store", "list", "--failed", "--store", store, "--json"});
    CHECK(listed.out.empty());
    const auto history = json_lines(
        run_linkhook({"store", "list", "--kind", "attempts", "--store", store, "--json"}).out);
    REQUIRE(history.size() == 2);
    CHECK(history[1]["ref"] == "msg_replay_again");
    CHECK(history[1]["verdict"] == "delivered");
  }

  TEST_CASE("--failed with no failed replay is nothing to do: exit 0, a note, a zero summary") {
    const StoredEvent stored("msg_replay_none");
    auto r = replay(stored.store, k_closed, {"--failed"});
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    CHECK(r.out.empty());
    CHECK(lines_of(r.err).size() == 1);
    CHECK(r.err.find("nothing to replay") != std::string::npos);
    r = replay(stored.store, k_closed, {"--failed", "--json"});
    CHECK(r.exit_code == 0);
    const auto lines = json_lines(r.out);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0]["summary"]["events"] == 0);
    CHECK(lines[0]["summary"]["attempts"] == 0);
  }

  TEST_CASE("--time-scale 0.5 shows each attempt once, as it happens") {
    const StoredEvent stored("msg_replay_scaled");
    RunningListener listener(
        {"--secret", k_test_secret, "--no-store", "--fail-first", "1", "--timeout", "20"});
    const auto r = replay(stored.store, listener.url(),
                          {"msg_replay_scaled", "--time-scale", "0.5", "--schedule", "0,0"});
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    const auto all = r.out + r.err;
    const auto count = [&](const std::string& text) {
      std::size_t n = 0;
      for (auto at = all.find(text); at != std::string::npos; at = all.find(text, at + 1)) {
        ++n;
      }
      return n;
    };
    CHECK_MESSAGE(count("#1") == 1, all);
    CHECK(count("#2") == 1);
    const auto lines = lines_of(r.out);
    REQUIRE(lines.size() == 4);
    // In real time an attempt's offset is the time it really started (+0.002s on a busy machine).
    CHECK(lines[0].starts_with("msg_replay_scaled #1 +"));
    CHECK(lines[0].ends_with(" 500: retry in 0s"));
    CHECK(lines[1].starts_with("msg_replay_scaled #2 +"));
    CHECK(lines[1].ends_with(" 200: delivered"));
  }

  TEST_CASE("--all and --event select stored events, --concurrency replays them side by side") {
    const StoredEvent stored("msg_replay_a", "link.created");
    const auto& store = stored.store;
    store_event(store, "msg_replay_b", "link.expired");
    store_event(store, "msg_replay_c", "qr.scanned");
    RunningListener listener({"--secret", k_test_secret, "--no-store", "--fail-first", "1",
                              "--per-id", "--timeout", "20"});
    const auto r =
        replay(store, listener.url(),
               {"--event", "link.*", "--concurrency", "2", "--json", "--schedule", "0,1m"});
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    const auto lines = json_lines(r.out);
    REQUIRE(lines.size() == 5);
    for (std::size_t i = 0; i < 4; ++i) {
      CHECK(lines[i]["event"].get<std::string>().starts_with("link."));
      CHECK(lines[i]["at_s"] == (lines[i]["attempt"] == 1 ? 0 : 60));
    }
    CHECK(lines[4]["summary"]["events"] == 2);
    CHECK(lines[4]["summary"]["delivered"] == 2);
    const auto all = replay(store, listener.url(), {"--all", "--json", "--no-store"});
    CHECK(all.exit_code == 0);
    CHECK(json_lines(all.out).back()["summary"]["events"] == 3);
  }

  TEST_CASE("SIGINT during a real-time wait: the summary, exit 130") {
    const StoredEvent stored("msg_replay_int");
    const auto& store = stored.store;
    RunningListener listener(
        {"--secret", k_test_secret, "--no-store", "--status", "500", "--timeout", "20"});
    Process replaying({linkhook_binary(), "replay", "msg_replay_int", "--url", listener.url(),
                       "--secret", k_test_secret, "--store", store, "--json", "--time-scale", "1",
                       "--schedule", "0,1h"});
    const auto first = replaying.read_line(10s);
    REQUIRE(first);
    CHECK(Json::parse(*first)["decision"] == "retry");
    replaying.send_signal(SIGINT);
    CHECK(replaying.wait(10s) == 130);
    const auto summary = Json::parse(replaying.rest_of_out());
    CHECK(summary["summary"]["interrupted"] == 1);
  }

  TEST_CASE("usage errors name the problem and exit 2") {
    const StoredEvent stored("msg_replay_usage");
    const auto& store = stored.store;
    check_usage_error(replay(store, k_closed, {}), "name the events to replay");
    check_usage_error(replay(store, k_closed, {"msg_replay_usage", "--all"}), "not both");
    check_usage_error(replay(store, k_closed, {"msg_replay_usag"}),
                      "did you mean 'msg_replay_usage'");
    check_usage_error(replay(store, k_closed, {"--event", "nothing.*"}), "no stored event");
    check_usage_error(replay(store, k_closed, {"--all", "--time-scale", "-1"}), "--time-scale");
    check_usage_error(replay(store, k_closed, {"--all", "--max-attempts", "0"}), "--max-attempts");
    check_usage_error(replay(store, k_closed, {"--all", "--schedule", "0,soon"}), "'soon'");
    check_usage_error(replay(store, k_closed, {"--all", "--since", "yesterday"}), "--since");
    check_usage_error(replay(store, k_closed, {"--all", "--concurrency", "0"}), "--concurrency");
    check_usage_error(replay(store, "ftp://example.com/", {"--all"}), "http://");
  }
}
