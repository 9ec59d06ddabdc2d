#include "cli_helpers.hpp"
#include "listener_fixture.hpp"

#include <csignal>

using namespace linkhook::test;
using Json = nlohmann::json;

namespace {

const std::string k_body =
    R"({"event":"link.clicked","timestamp":"2025-10-19T10:30:00Z","data":{"click":{"country":"US"}}})";

std::vector<std::string> with_secret(std::vector<std::string> args) {
  args.insert(args.begin(), {"--secret", k_test_secret, "--no-store"});
  return args;
}

Json next_delivery(RunningListener& listener) {
  return Json::parse(listener.next_line());
}

} // namespace

TEST_SUITE("cli.listen") {
  TEST_CASE("a genuine delivery is verified, answered 200 and reported, --max-events stops it") {
    RunningListener listener(with_secret({"--max-events", "1", "--timeout", "20"}));
    CHECK(listener.url().starts_with("http://127.0.0.1:"));
    const auto response = post(listener.url(), signed_headers(k_body, {"--id", "msg_one"}), k_body);
    REQUIRE(response);
    CHECK(response->status == 200);
    const auto line = next_delivery(listener);
    CHECK(line["id"] == "msg_one");
    CHECK(line["event"] == "link.clicked");
    CHECK(line["verified"] == true);
    CHECK(line["status"] == 200);
    CHECK(listener.process().wait() == 0);
    CHECK(listener.process().err().find("1 delivery: 1 verified") != std::string::npos);
  }

  TEST_CASE("bad signatures get 401, non-JSON 400, off-path 404, each with a reason") {
    RunningListener listener(
        with_secret({"--max-events", "3", "--timeout", "20", "--path", "/hook"}));
    auto headers = signed_headers(k_body);
    const auto tampered = post(listener.url(), headers, k_body + " ");
    REQUIRE(tampered);
    CHECK(tampered->status == 401);
    CHECK(!tampered->body.empty());
    auto line = next_delivery(listener);
    CHECK(line["verified"] == false);
    CHECK(line["status"] == 401);

    const auto unsigned_response = post(listener.url(), {}, k_body);
    REQUIRE(unsigned_response);
    CHECK(unsigned_response->status == 401);
    CHECK(unsigned_response->body.find("missing header webhook-") != std::string::npos);
    line = next_delivery(listener);
    CHECK(line["reason"].get<std::string>().find("missing") != std::string::npos);

    const auto off_path = post(listener.origin() + "/elsewhere", signed_headers(k_body), k_body);
    REQUIRE(off_path);
    CHECK(off_path->status == 404);
    CHECK(off_path->body.find("/hook") != std::string::npos);

    const std::string not_json = "hello";
    const auto bad_json = post(listener.url(), signed_headers(not_json), not_json);
    REQUIRE(bad_json);
    CHECK(bad_json->status == 400);
    CHECK(bad_json->body.starts_with("body is not JSON"));

    next_delivery(listener);
    CHECK(listener.process().wait() == 1); // not every delivery verified
  }

  TEST_CASE("a repeated webhook-id is acknowledged and marked duplicate") {
    RunningListener listener(with_secret({"--max-events", "2", "--timeout", "20"}));
    const auto headers = signed_headers(k_body, {"--id", "msg_twice"});
    CHECK(post(listener.url(), headers, k_body)->status == 200);
    CHECK(post(listener.url(), headers, k_body)->status == 200);
    CHECK(next_delivery(listener)["outcome"] == "accepted");
    const auto second = next_delivery(listener);
    CHECK(second["outcome"] == "duplicate");
    CHECK(second["verified"] == true);
    CHECK(listener.process().wait() == 0);
  }

  TEST_CASE("a body over --max-body gets 413") {
    RunningListener listener(
        with_secret({"--max-body", "64", "--max-events", "1", "--timeout", "20"}));
    const std::string big = R"({"event":"link.clicked","pad":")" + std::string(100, 'x') + "\"}";
    const auto response = post(listener.url(), signed_headers(big), big);
    REQUIRE(response);
    CHECK(response->status == 413);
    CHECK(response->body.find("--max-body") != std::string::npos);
    CHECK(next_delivery(listener)["status"] == 413);
    CHECK(listener.process().wait() == 1);
  }

  TEST_CASE("--fail-first fails the first deliveries, then accepts the same id") {
    RunningListener listener(
        with_secret({"--fail-first", "2", "--max-events", "3", "--timeout", "20"}));
    const auto headers = signed_headers(k_body, {"--id", "msg_retry"});
    CHECK(post(listener.url(), headers, k_body)->status == 500);
    CHECK(post(listener.url(), headers, k_body)->status == 500);
    CHECK(post(listener.url(), headers, k_body)->status == 200);
    CHECK(next_delivery(listener)["outcome"] == "failed_on_purpose");
    CHECK(next_delivery(listener)["outcome"] == "failed_on_purpose");
    CHECK(next_delivery(listener)["outcome"] == "accepted"); // failures were not acknowledged
    CHECK(listener.process().wait() == 0);
  }

  TEST_CASE("--status 503 --retry-after sends Retry-After, --status alone answers every delivery") {
    RunningListener failing(with_secret({"--status", "503", "--retry-after", "120"}));
    const auto response = post(failing.url(), signed_headers(k_body), k_body);
    REQUIRE(response);
    CHECK(response->status == 503);
    CHECK(response->get_header_value("Retry-After") == "120");
    RunningListener gone(with_secret({"--status", "410"}));
    CHECK(post(gone.url(), signed_headers(k_body), k_body)->status == 410);
  }

  TEST_CASE("--fail-rate with a seed fails the same deliveries every run") {
    const auto pattern = [] {
      RunningListener listener(with_secret({"--fail-rate", "0.5", "--seed", "3"}));
      std::string statuses;
      for (int i = 0; i < 12; ++i) {
        statuses += post(listener.url(), signed_headers(k_body), k_body)->status == 200 ? 'o' : 'x';
      }
      return statuses;
    };
    const auto first = pattern();
    CHECK(first == pattern());
    CHECK(first.find('o') != std::string::npos);
    CHECK(first.find('x') != std::string::npos);
  }

  TEST_CASE("--events and --filter acknowledge other deliveries without keeping them") {
    RunningListener listener(
        with_secret({"--events", "qr.*,link.*", "--filter", "data.click.country=U?", "--max-events",
                     "1", "--timeout", "20"}));
    const std::string qr = R"({"event":"qr.scanned","data":{}})";
    const std::string team = R"({"event":"team.member_added","data":{}})";
    CHECK(post(listener.url(), signed_headers(qr), qr)->status == 200);
    CHECK(post(listener.url(), signed_headers(team), team)->status == 200);
    CHECK(post(listener.url(), signed_headers(k_body), k_body)->status == 200); // the one counted
    const auto missing_field = next_delivery(listener);
    CHECK(missing_field["outcome"] == "filtered");
    CHECK(missing_field["reason"].get<std::string>().find("data.click.country is missing") !=
          std::string::npos);
    const auto other_event = next_delivery(listener);
    CHECK(other_event["outcome"] == "filtered");
    CHECK(other_event["reason"].get<std::string>().find("--events") != std::string::npos);
    CHECK(next_delivery(listener)["outcome"] == "accepted");
    CHECK(listener.process().wait() == 0);
  }

  TEST_CASE("--forward-to relays the exact body and answers with the application's status") {
    RunningListener app(with_secret({"--status", "202", "--max-events", "1", "--timeout", "20"}));
    RunningListener relay(
        with_secret({"--forward-to", app.url(), "--max-events", "1", "--timeout", "20"}));
    const auto response = post(relay.url(), signed_headers(k_body, {"--id", "msg_fwd"}), k_body);
    REQUIRE(response);
    CHECK(response->status == 202);
    const auto at_app = next_delivery(app); // the app verified the original signature headers
    CHECK(at_app["id"] == "msg_fwd");
    CHECK(at_app["verified"] == true);
    CHECK(next_delivery(relay)["status"] == 202);
    CHECK(app.process().wait() == 0);
    CHECK(relay.process().wait() == 0);
  }

  TEST_CASE("--forward-to an application that is down answers 502 with the reason") {
    std::string closed_url;
    {
      RunningListener gone_soon(with_secret({}));
      closed_url = gone_soon.url();
    }
    RunningListener relay(
        with_secret({"--forward-to", closed_url, "--max-events", "1", "--timeout", "20"}));
    const auto response = post(relay.url(), signed_headers(k_body), k_body);
    REQUIRE(response);
    CHECK(response->status == 502);
    CHECK(response->body.find("cannot reach") != std::string::npos);
    CHECK(next_delivery(relay)["outcome"] == "forward_failed");
  }

  TEST_CASE("--timeout before --max-events is a failure, a signal stops with 130 and a summary") {
    RunningListener waiting(with_secret({"--max-events", "5", "--timeout", "0.3"}));
    CHECK(waiting.process().wait() == 1);
    CHECK(waiting.process().err().find("with 0 of 5 deliveries") != std::string::npos);

    RunningListener idle(with_secret({"--timeout", "0.3"}));
    CHECK(idle.process().wait() == 0); // nothing came, nothing failed

    RunningListener interrupted(with_secret({}));
    interrupted.process().send_signal(SIGTERM);
    CHECK(interrupted.process().wait() == 130);
    CHECK(interrupted.process().err().find("interrupted") != std::string::npos);
  }

  TEST_CASE("usage errors: no secret, bad path, bad URL, port in use") {
    check_usage_error(run_linkhook({"listen", "--port", "0"}, {}, {{"LINKHOOK_SECRET", ""}}),
                      "no secret");
    check_usage_error(run_linkhook({"listen", "--secret", k_test_secret, "--path", "hook"}),
                      "--path must start with '/'");
    check_usage_error(
        run_linkhook({"listen", "--secret", k_test_secret, "--forward-to", "ftp://x"}),
        "--forward-to 'ftp://x'");
    check_usage_error(run_linkhook({"listen", "--secret", k_test_secret, "--fail-rate", "2"}),
                      "--fail-rate");
    RunningListener busy(with_secret({}));
    const auto port = busy.url().substr(busy.url().rfind(':') + 1,
                                        busy.url().rfind('/') - busy.url().rfind(':') - 1);
    check_usage_error(
        run_linkhook({"listen", "--secret", k_test_secret, "--no-store", "--port", port}),
        "cannot listen on 127.0.0.1:" + port);
  }
}
