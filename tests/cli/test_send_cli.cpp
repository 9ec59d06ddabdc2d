#include "send_helpers.hpp"
#include "temp_dir.hpp"

#include <map>
#include <set>
#include <thread>

using namespace linkhook::test;
using Json = nlohmann::json;

namespace {

const std::vector<std::string> k_events = {
    "link.clicked",        "link.created",          "qr.scanned",      "team.member_added",
    "team.member_removed", "integration.connected", "link.expired",    "domain.verified",
    "account.upgraded",    "account.downgraded",    "api.key_created", "security.login_failed",
    "analytics.milestone"};

// The records of a store, from `store export`.
std::vector<Json> exported(const std::string& store) {
  const auto r = run_linkhook({"store", "export", "--store", store});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  return json_lines(r.out);
}

const Json* record_of(const std::vector<Json>& records, const std::string& kind) {
  for (const auto& record : records) {
    if (record["kind"] == kind) {
      return &record;
    }
  }
  return nullptr;
}

} // namespace

TEST_SUITE("cli.send") {
  TEST_CASE("every event under every scheme is sent, verified by the listener, exit 0") {
    for (const std::string scheme : {"standard", "stripe", "github"}) {
      CAPTURE(scheme);
      RunningListener listener(
          {"--secret", k_test_secret, "--scheme", scheme, "--no-store", "--timeout", "20"});
      auto args = k_events;
      args.insert(args.end(), {"--scheme", scheme, "--no-store", "--json"});
      const auto r = send_to(listener.url(), args);
      CHECK_MESSAGE(r.exit_code == 0, r.err);
      const auto lines = json_lines(r.out);
      REQUIRE(lines.size() == 14);
      std::set<std::string> sent;
      for (std::size_t i = 0; i < 13; ++i) {
        CHECK(lines[i]["ok"] == true);
        CHECK(lines[i]["status"] == 200);
        CHECK(lines[i]["id"].get<std::string>().starts_with("msg_"));
        sent.insert(lines[i]["event"].get<std::string>());
      }
      CHECK(sent == std::set<std::string>(k_events.begin(), k_events.end()));
      CHECK(lines[13]["summary"]["sent"] == 13);
      CHECK(lines[13]["summary"]["2xx"] == 13);
      std::set<std::string> received;
      for (std::size_t i = 0; i < 13; ++i) {
        const auto line = Json::parse(listener.next_line());
        CHECK(line["verified"] == true);
        received.insert(line["event"].get<std::string>());
      }
      CHECK(received == sent);
    }
  }

  TEST_CASE("every named event and every match of a glob is sent, --count N times each") {
    const auto events_of = [](const Result& r) {
      std::multiset<std::string> events;
      for (const auto& line : json_lines(r.out)) {
        if (!line.contains("summary")) {
          events.insert(line["event"].get<std::string>());
        }
      }
      return events;
    };
    const std::string closed = "http://127.0.0.1:1/"; // each delivery is refused, and has a line
    auto r = send_to(closed,
                     {"link.clicked", "qr.scanned", "team.member_added", "--no-store", "--json"});
    CHECK(events_of(r) ==
          std::multiset<std::string>{"link.clicked", "qr.scanned", "team.member_added"});
    CHECK(json_lines(r.out).back()["summary"]["sent"] == 3);
    r = send_to(closed, {"link.*", "--no-store", "--json"});
    CHECK(events_of(r) ==
          std::multiset<std::string>{"link.clicked", "link.created", "link.expired"});
    r = send_to(closed, {"*", "--no-store", "--json"});
    CHECK(events_of(r) == std::multiset<std::string>(k_events.begin(), k_events.end()));
    r = send_to(closed, {"link.clicked", "qr.scanned", "--count", "2", "--no-store", "--json"});
    CHECK(events_of(r) ==
          std::multiset<std::string>{"link.clicked", "link.clicked", "qr.scanned", "qr.scanned"});
    r = send_to(closed, {"--file", "-", "--count", "2", "--no-store", "--json"},
                R"({"event":"qr.scanned"})");
    CHECK(events_of(r) == std::multiset<std::string>{"qr.scanned", "qr.scanned"});
    check_usage_error(send_to(closed, {"*", "--count", "100000000000", "--no-store"}),
                      "more than 1000000000000 deliveries");
  }

  TEST_CASE("--file sends the exact bytes, with -H and User-Agent, and both sides store them") {
    TempDir dir;
    const auto store = (dir / "store").string();
    RunningListener listener({"--secret", k_test_secret, "--store", store, "--timeout", "20"});
    const std::string body = "{ \"event\": \"qr.scanned\",\n  \"data\": {} }";
    const auto r =
        send_to(listener.url(),
                {"--file", "-", "--id", "msg_round", "-H", "X-Trace: abc", "--store", store}, body);
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    CHECK(r.out.starts_with("qr.scanned msg_round 200 "));
    CHECK(Json::parse(listener.next_line())["verified"] == true);

    const auto records = exported(store);
    const auto* received = record_of(records, "received");
    const auto* sent = record_of(records, "sent");
    REQUIRE(received);
    REQUIRE(sent);
    CHECK((*received)["id"] == "msg_round");
    CHECK((*sent)["id"] == "msg_round");
    CHECK((*received)["body"] == body);
    CHECK((*sent)["body"] == body);
    CHECK((*sent)["status"] == 200);
    CHECK((*sent)["verdict"] == "delivered");
    CHECK((*sent)["extra"]["url"] == listener.url());
    CHECK((*sent)["extra"]["attempts"] == 1);
    bool trace = false;
    bool agent = false;
    for (const auto& header : (*received)["headers"]) {
      trace = trace || (header[0] == "X-Trace" && header[1] == "abc");
      agent = agent ||
              (header[0] == "User-Agent" && header[1].get<std::string>().starts_with("linkhook/"));
    }
    CHECK(trace);
    CHECK(agent);
  }

  TEST_CASE("-H naming a signature header replaces it, with a warning, a second one adds") {
    TempDir dir;
    const auto store = (dir / "store").string();
    RunningListener listener({"--secret", k_test_secret, "--store", store, "--timeout", "20"});
    auto r = send_to(listener.url(),
                     {"link.clicked", "--id", "msg_h1", "-H", "webhook-timestamp: 1", "-H",
                      "Content-Type: application/json; charset=utf-8", "--no-store"});
    CHECK(r.exit_code == 1); // the listener refuses what the signature does not cover
    CHECK(Json::parse(listener.next_line())["verified"] == false);
    REQUIRE(lines_of(r.err).size() == 1); // Content-Type is replaced without a word
    CHECK(r.err.starts_with("linkhook: warning: -H webhook-timestamp replaces the header "
                            "linkhook signs; the signature no longer covers it"));
    r = send_to(listener.url(), {"link.clicked", "--id", "msg_h2", "-H", "webhook-timestamp: 1",
                                 "-H", "webhook-timestamp: 2", "--no-store"});
    CHECK(lines_of(r.err).size() == 1);
    listener.next_line();
    std::map<std::string, std::vector<std::string>> timestamps;
    for (const auto& record : exported(store)) {
      for (const auto& header : record["headers"]) {
        if (header[0] == "webhook-timestamp") {
          timestamps[record["id"]].push_back(header[1]);
        }
      }
    }
    CHECK(timestamps["msg_h1"] == std::vector<std::string>{"1"});
    CHECK(timestamps["msg_h2"] == std::vector<std::string>{"1", "2"});
  }

  TEST_CASE("--timestamp signs with the time given: a stale delivery on purpose") {
    RunningListener listener({"--secret", k_test_secret, "--no-store", "--timeout", "20"});
    TempDir dir;
    const auto store = (dir / "store").string();
    for (const std::string time : {"1000000000", "2001-09-09T01:46:40Z"}) {
      const auto r =
          send_to(listener.url(), {"link.clicked", "--timestamp", time, "--store", store});
      CHECK(r.exit_code == 1);
      CHECK(r.err.empty());
      const auto line = Json::parse(listener.next_line());
      CHECK(line["verified"] == false);
      CHECK_MESSAGE(line["reason"].get<std::string>().starts_with("timestamp too old"), line);
    }
    for (const auto& record : exported(store)) {
      CHECK(record["headers"][1] == Json::array({"webhook-timestamp", "1000000000"}));
      CHECK(Json::parse(record["body"].get<std::string>())["timestamp"] == "2001-09-09T01:46:40Z");
    }
    check_usage_error(send_to(listener.url(), {"link.clicked", "--timestamp", "soon"}),
                      "--timestamp 'soon' is not a time");
  }

  TEST_CASE("--seed sends the payload generate prints for that seed") {
    TempDir dir;
    const auto store = (dir / "store").string();
    RunningListener listener({"--secret", k_test_secret, "--no-store", "--timeout", "20"});
    const auto r = send_to(listener.url(), {"link.clicked", "--seed", "7", "--set",
                                            "data.link.title=Hi", "--store", store});
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    const auto generated =
        run_linkhook({"generate", "link.clicked", "--seed", "7", "--set", "data.link.title=Hi"});
    const auto records = exported(store);
    REQUIRE(records.size() == 1);
    CHECK(records[0]["body"].get<std::string>() + "\n" == generated.out);
  }

  TEST_CASE("a 500 is a failed delivery with the response body, exit 1") {
    RunningListener listener(
        {"--secret", k_test_secret, "--no-store", "--status", "500", "--timeout", "20"});
    const auto r = send_to(listener.url(), {"domain.verified", "--no-store", "--json"});
    CHECK(r.exit_code == 1);
    const auto lines = json_lines(r.out);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0]["status"] == 500);
    CHECK(lines[0]["ok"] == false);
    CHECK(lines[0].contains("response"));
    CHECK(lines[1]["summary"]["failed"] == 1);
    CHECK(lines[1]["summary"]["statuses"]["500"] == 1);
  }

  TEST_CASE("an answer slower than --timeout is a timeout") {
    RunningListener listener(
        {"--secret", k_test_secret, "--no-store", "--delay", "3000", "--timeout", "20"});
    const auto r = send_to(listener.url(), {"link.created", "--no-store", "--timeout", "0.5"});
    CHECK(r.exit_code == 1);
    CHECK_MESSAGE(r.out.find(" timeout ") != std::string::npos, r.out);
    CHECK(r.out.find("no answer within 0.5s") != std::string::npos);
  }

  TEST_CASE("a 200 whose body does not end within --timeout is a failed delivery, exit 1") {
    for (const auto& answer : unfinished_answers()) {
      RawServer server(answer);
      const auto r =
          send_to(server.url(), {"link.clicked", "--timeout", "1", "--no-store", "--json"});
      CHECK(r.exit_code == 1);
      const auto lines = json_lines(r.out);
      REQUIRE(lines.size() == 2);
      CHECK(lines[0]["ok"] == false);
      CHECK(lines[0]["status"] == 0);
      CHECK(lines[0]["error"] == "timeout");
      CHECK(lines[0]["reason"] ==
            "no answer within 1s (an HTTP 200 answer began, its body did not end)");
      CHECK(lines[1]["summary"]["2xx"] == 0);
      CHECK(lines[1]["summary"]["errors"]["timeout"] == 1);
    }
  }

  TEST_CASE("a closed port is refused, exit 1") {
    const auto r = send_to("http://127.0.0.1:1/", {"link.clicked", "--no-store", "--json"});
    CHECK(r.exit_code == 1);
    const auto lines = json_lines(r.out);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0]["status"] == 0);
    CHECK(lines[0]["error"] == "refused");
    CHECK(lines[1]["summary"]["errors"]["refused"] == 1);
  }

  TEST_CASE("a redirect is not followed: a failed delivery that says where it pointed") {
    httplib::Server server;
    server.Post("/", [](const httplib::Request&, httplib::Response& response) {
      response.set_redirect("http://127.0.0.1:1/elsewhere", 307);
    });
    const int port = server.bind_to_any_port("127.0.0.1");
    REQUIRE(port > 0);
    std::thread serving([&server] { server.listen_after_bind(); }); // bound: connects queue
    const auto r =
        send_to("http://127.0.0.1:" + std::to_string(port) + "/", {"link.clicked", "--no-store"});
    server.stop();
    serving.join();
    CHECK(r.exit_code == 1);
    CHECK_MESSAGE(r.out.find(" 307 ") != std::string::npos, r.out);
    CHECK(r.out.find("-> http://127.0.0.1:1/elsewhere") != std::string::npos);
  }

  TEST_CASE("--retries resends a failed delivery on the schedule, with the same id") {
    RunningListener listener(
        {"--secret", k_test_secret, "--no-store", "--fail-first", "1", "--timeout", "20"});
    const auto r = send_to(listener.url(), {"link.clicked", "--no-store", "--json", "--retries",
                                            "2", "--schedule", "0,0"});
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    const auto lines = json_lines(r.out);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0]["ok"] == true);
    CHECK(lines[0]["attempts"] == 2);
    const auto first = Json::parse(listener.next_line());
    const auto second = Json::parse(listener.next_line());
    CHECK(first["status"] == 500);
    CHECK(second["status"] == 200);
    CHECK(first["id"] == lines[0]["id"]);
    CHECK(second["id"] == lines[0]["id"]);
  }

  TEST_CASE("--max-wait caps a long scheduled wait") {
    RunningListener listener(
        {"--secret", k_test_secret, "--no-store", "--fail-first", "1", "--timeout", "20"});
    const auto r = send_to(listener.url(), {"link.clicked", "--no-store", "--retries", "1",
                                            "--schedule", "1h", "--max-wait", "0"});
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    CHECK(r.err.find("retrying in 0s") != std::string::npos);
    CHECK(r.out.find("after 2 attempts") != std::string::npos);
  }

  TEST_CASE("usage errors name the problem and exit 2") {
    const std::string url = "http://127.0.0.1:1/";
    check_usage_error(send_to(url, {"--no-store"}), "name an event, or --file");
    check_usage_error(send_to(url, {"link.clickd", "--no-store"}), "link.clicked");
    check_usage_error(send_to("ftp://example.com/", {"link.clicked", "--no-store"}),
                      "is not an http:// or https:// URL");
    check_usage_error(send_to(url, {"link.clicked", "-H", "no colon", "--no-store"}), "colon");
    check_usage_error(
        send_to(url, {"link.clicked", "--retries", "1", "--schedule", "0,soon", "--no-store"}),
        "'soon'");
    check_usage_error(send_to(url, {"link.clicked", "--schedule", "0,5s", "--no-store"}),
                      "--schedule needs --retries N");
    check_usage_error(send_to(url, {"link.clicked", "--max-wait", "5s", "--no-store"}),
                      "--max-wait needs --retries N");
    check_usage_error(send_to(url, {"link.clicked", "--count", "0", "--no-store"}), "--count");
    check_usage_error(send_to(url, {"--file", "-", "--no-store"}, "{not json"), "is not JSON");
    check_usage_error(send_to(url, {"link.clicked", "--timeout", "0", "--no-store"}), "--timeout");
    for (const std::string timeout : {"1e10", "0.0001", "nan", "-1"}) {
      check_usage_error(send_to(url, {"link.clicked", "--timeout", timeout, "--no-store"}),
                        "--timeout must be from 0.001 to 86400 seconds");
    }
  }
}
