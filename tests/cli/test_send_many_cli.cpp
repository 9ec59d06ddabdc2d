#include "send_helpers.hpp"
#include "temp_dir.hpp"

#include <chrono>
#include <csignal>
#include <map>
#include <set>
#include <string>

using namespace linkhook::test;
using Json = nlohmann::json;

TEST_SUITE("cli.send.many") {
  TEST_CASE("--count and --concurrency: every delivery has a line and the summary adds up") {
    RunningListener listener({"--secret", k_test_secret, "--no-store", "--fail-rate", "0.3",
                              "--seed", "5", "--status", "503", "--timeout", "30"});
    const auto r = send_to(listener.url(), {"link.clicked", "qr.scanned", "--count", "30",
                                            "--concurrency", "4", "--no-store", "--json"});
    const auto lines = json_lines(r.out);
    REQUIRE(lines.size() == 61);
    std::map<int, int> statuses;
    std::map<std::string, int> events;
    for (std::size_t i = 0; i < 60; ++i) {
      ++statuses[lines[i]["status"].get<int>()];
      ++events[lines[i]["event"].get<std::string>()];
    }
    CHECK(events["link.clicked"] == 30);
    CHECK(events["qr.scanned"] == 30);
    const auto& summary = lines[60]["summary"];
    CHECK(summary["sent"] == 60);
    CHECK(summary["2xx"] == statuses[200]);
    CHECK(summary["failed"] == statuses[503]);
    CHECK(statuses[200] + statuses[503] == 60);
    CHECK(statuses[503] > 0); // the seed makes some fail
    if (statuses[503] > 0) {
      CHECK(summary["statuses"]["503"] == statuses[503]);
    }
    CHECK(r.exit_code == 1);
    CHECK(summary["p50_ms"] <= summary["p90_ms"]);
    CHECK(summary["p90_ms"] <= summary["p99_ms"]);
    CHECK(summary["p99_ms"] <= summary["max_ms"]);
    CHECK(summary["per_second"] > 0);
  }

  TEST_CASE(
      "--concurrency 100 runs on several event loops: each delivery stored once, then reported") {
    TempDir dir;
    const auto store = (dir / "store").string();
    // --quiet: 400 lines would fill the pipe that the fixture reads only on demand.
    RunningListener listener({"--secret", k_test_secret, "--no-store", "--quiet"});
    const auto r = send_to(listener.url(), {"link.clicked", "--count", "400", "--concurrency",
                                            "100", "--store", store, "--json"});
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    const auto lines = json_lines(r.out);
    REQUIRE(lines.size() == 401);
    std::set<std::string> ids;
    for (std::size_t i = 0; i < 400; ++i) {
      CHECK(lines[i]["status"] == 200);
      ids.insert(lines[i]["id"].get<std::string>());
    }
    CHECK(ids.size() == 400);
    CHECK(lines[400]["summary"]["2xx"] == 400);
    const auto listed =
        run_linkhook({"store", "list", "--kind", "sent", "--store", store, "--json"});
    REQUIRE(listed.exit_code == 0);
    const auto stored = json_lines(listed.out);
    CHECK(stored.size() == 400);
    std::set<std::string> stored_ids;
    for (const auto& record : stored) {
      stored_ids.insert(record["id"].get<std::string>());
    }
    CHECK(stored_ids == ids);
  }

  TEST_CASE("errors are counted by kind, and --quiet prints the summary alone") {
    const auto r = send_to("http://127.0.0.1:1/", {"link.clicked", "--count", "5", "--concurrency",
                                                   "2", "--no-store", "--quiet"});
    CHECK(r.exit_code == 1);
    const auto lines = lines_of(r.out);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0] == "5 sent: 0 2xx, 5 failed (refused: 5)");
    CHECK(lines[1].find("deliveries/s") != std::string::npos);
    CHECK(r.err.empty()); // no progress line: stderr is not a terminal
  }

  TEST_CASE("--rate paces the deliveries") {
    RunningListener listener({"--secret", k_test_secret, "--no-store", "--timeout", "20"});
    const auto start = std::chrono::steady_clock::now();
    const auto r = send_to(listener.url(), {"link.clicked", "--count", "6", "--concurrency", "3",
                                            "--rate", "20", "--no-store", "--json"});
    const auto elapsed = std::chrono::steady_clock::now() - start;
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    CHECK(json_lines(r.out).back()["summary"]["2xx"] == 6);
    CHECK(elapsed >= std::chrono::milliseconds(250)); // the sixth starts 5/20 s after the first
  }
}

TEST_SUITE("cli.send.interrupt") {
  TEST_CASE("SIGINT stops a long run: the summary of what was sent, exit 130") {
    RunningListener listener({"--secret", k_test_secret, "--no-store", "--timeout", "20"});
    Process send({linkhook_binary(), "send", "link.clicked", "--url", listener.url(), "--secret",
                  k_test_secret, "--count", "100000", "--rate", "20", "--no-store", "--json"});
    const auto first = send.read_line();
    REQUIRE(first);
    CHECK(Json::parse(*first)["ok"] == true);
    send.send_signal(SIGINT);
    CHECK(send.wait() == 130);
    const auto rest = json_lines(send.rest_of_out());
    REQUIRE(!rest.empty());
    const auto& summary = rest.back()["summary"];
    CHECK(summary["sent"] == rest.size()); // the first line and the rest but the summary
    CHECK(summary["sent"] < 100000);
  }
}

TEST_SUITE("cli.send.interrupt") {
  TEST_CASE("SIGINT while an answer is awaited ends the wait at once: the summary, exit 130") {
    RawServer server([](RawConnection& client) { client.closed_within(30s); }); // never answers
    Process send({linkhook_binary(), "send", "link.clicked", "--url", server.url(), "--secret",
                  k_test_secret, "--timeout", "30", "--no-store", "--json"});
    REQUIRE(server.wait_for_request(10s));
    const auto lines = interrupt_awaiting_send(send);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0]["error"] == "interrupted");
  }
}

TEST_SUITE("cli.send.progress") {
  TEST_CASE("a progress line goes to stderr on a terminal, and never with --json") {
    // script(1) runs the command on a pseudo-terminal, as a person at a shell would.
    const std::string command = linkhook_binary() + " send link.clicked --count 3 --no-store " +
                                "--url http://127.0.0.1:1/ --secret " + k_test_secret;
    auto r = run({"script", "-qec", command + " --quiet", "/dev/null"}, {}, {{"NO_COLOR", "1"}});
    CHECK(r.exit_code == 1);
    CHECK_MESSAGE(r.out.find("\r1/3 sent, 1 failed") != std::string::npos, r.out);
    CHECK(r.out.find("3 sent: 0 2xx, 3 failed (refused: 3)") != std::string::npos);
    r = run({"script", "-qec", command + " --json", "/dev/null"}, {}, {{"NO_COLOR", "1"}});
    CHECK(r.out.find(" sent, ") == std::string::npos);
    CHECK(r.out.find("{\"summary\":") != std::string::npos);
  }
}
