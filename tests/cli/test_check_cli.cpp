// linkhook check against real endpoints on loopback: linkhook listen, right and wrong on purpose,
// and small servers with one flaw each (tests/support/flawed_server.cpp). Each flaw shows up as
// the check that names it, and only that one.
#include "cli_helpers.hpp"
#include "listener_fixture.hpp"

#include <map>

using namespace linkhook::test;
using Json = nlohmann::json;

namespace {

// A flawed server on a free port, once it has printed its URL.
struct FlawedServer {
  explicit FlawedServer(const std::string& mode)
      : process({LINKHOOK_FLAWED_SERVER, mode, k_test_secret}) {
    const auto line = process.read_line(std::chrono::seconds(10));
    REQUIRE(line);
    url = *line;
  }
  Process process;
  std::string url;
};

struct Report {
  int exit_code = -1;
  std::map<std::string, std::string> verdicts; // check → verdict
  std::map<std::string, std::string> details;
  Json summary;
};

Report check(const std::string& url, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args = {"check", "--url", url, "--secret", k_test_secret, "--json"};
  args.insert(args.end(), extra.begin(), extra.end());
  const auto r = run_linkhook(args, {}, {}, std::chrono::seconds(50));
  Report report;
  report.exit_code = r.exit_code;
  INFO(r.err);
  const auto json = Json::parse(r.out);
  for (const auto& c : json["checks"]) {
    report.verdicts[c["name"]] = c["verdict"];
    report.details[c["name"]] = c["detail"];
  }
  report.summary = json["summary"];
  for (const auto& [name, detail] : report.details) {
    MESSAGE(name, " ", report.verdicts[name], ": ", detail); // shown when a check of it fails
  }
  return report;
}

// The checks whose verdict is `verdict`.
std::vector<std::string> with(const Report& report, const std::string& verdict) {
  std::vector<std::string> names;
  for (const auto& [name, v] : report.verdicts) {
    if (v == verdict) {
      names.push_back(name);
    }
  }
  return names;
}

using Names = std::vector<std::string>;

} // namespace

TEST_SUITE("cli.check") {
  TEST_CASE("linkhook listen passes every check, and check exits 0 with a JSON report card") {
    RunningListener listener({"--secret", k_test_secret, "--no-store", "--quiet"});
    const auto report = check(listener.url());
    CHECK(report.exit_code == 0);
    CHECK(report.verdicts.size() == 10);
    CHECK(with(report, "pass").size() == 10);
    CHECK(report.summary == Json{{"pass", 10}, {"fail", 0}, {"warn", 0}, {"skip", 0}});
    CHECK(report.details.at("rejects_wrong_secret").find("got 401") != std::string::npos);
  }

  TEST_CASE("with the stripe scheme too, linkhook listen passes every check") {
    RunningListener listener(
        {"--secret", "whsec_stripe_test", "--scheme", "stripe", "--no-store", "--quiet"});
    const auto r = run_linkhook({"check", "--url", listener.url(), "--secret", "whsec_stripe_test",
                                 "--scheme", "stripe", "--json"});
    CHECK(r.exit_code == 0);
    CHECK(Json::parse(r.out)["summary"]["pass"] == 10);
  }

  TEST_CASE("listen with a huge --tolerance fails the two timestamp checks, and only those") {
    RunningListener listener(
        {"--secret", k_test_secret, "--no-store", "--quiet", "--tolerance", "100000000"});
    const auto report = check(listener.url());
    CHECK(report.exit_code == 1);
    CHECK(with(report, "fail") == Names{"rejects_future_timestamp", "rejects_stale_timestamp"});
    CHECK(report.details.at("rejects_stale_timestamp").find("reject timestamps more than 300 s") !=
          std::string::npos);
  }

  TEST_CASE("listen --status 500 fails every check that needs a 2xx") {
    RunningListener listener(
        {"--secret", k_test_secret, "--no-store", "--quiet", "--status", "500"});
    const auto report = check(listener.url());
    CHECK(report.exit_code == 1);
    CHECK(with(report, "fail") == Names{"accepts_genuine", "accepts_redelivery",
                                        "accepts_unknown_event", "handles_concurrency"});
  }

  TEST_CASE("an endpoint that accepts everything fails each check of a forgery") {
    FlawedServer server("accept-all");
    const auto report = check(server.url);
    CHECK(report.exit_code == 1);
    CHECK(with(report, "fail") == Names{"rejects_future_timestamp", "rejects_missing_signature",
                                        "rejects_stale_timestamp", "rejects_tampered_body",
                                        "rejects_wrong_secret"});
    CHECK(report.details.at("rejects_tampered_body").find("got 200: accepted") !=
          std::string::npos);
  }

  TEST_CASE("an endpoint that checks the HMAC but not the timestamp fails the timestamp checks") {
    FlawedServer server("no-timestamp");
    const auto report = check(server.url);
    CHECK(report.exit_code == 1);
    CHECK(with(report, "fail") == Names{"rejects_future_timestamp", "rejects_stale_timestamp"});
  }

  TEST_CASE("an endpoint that verifies re-serialised JSON fails accepts_genuine, saying so") {
    FlawedServer server("reserialize");
    const auto report = check(server.url);
    CHECK(report.exit_code == 1);
    CHECK(with(report, "fail") == Names{"accepts_genuine"});
    CHECK(report.details.at("accepts_genuine").find("verify the raw request body") !=
          std::string::npos);
  }

  TEST_CASE("an endpoint that fails a redelivery fails accepts_redelivery") {
    FlawedServer server("fail-redelivery");
    const auto report = check(server.url);
    CHECK(report.exit_code == 1);
    CHECK(with(report, "fail") == Names{"accepts_redelivery"});
    CHECK(report.details.at("accepts_redelivery").find("got 500") != std::string::npos);
  }

  TEST_CASE("a slow endpoint warns in answers_in_time, and fails nothing") {
    // 500 ms an answer, against --timeout 0.9 s: over half of it, and within it with 400 ms to
    // spare. The deliveries go one at a time: the 13 of accepts_genuine add nothing but time, and
    // a burst at once would measure how many threads the test server has.
    FlawedServer server("slow");
    const auto report =
        check(server.url, {"--timeout", "0.9", "--skip", "accepts_genuine,handles_concurrency"});
    CHECK(report.exit_code == 0);
    CHECK(with(report, "fail").empty());
    CHECK(with(report, "warn") == Names{"answers_in_time"});
    CHECK(with(report, "pass").size() == 7);
  }

  TEST_CASE("the github scheme skips the timestamp checks, and --only and --skip choose checks") {
    RunningListener listener(
        {"--secret", "github-secret", "--scheme", "github", "--no-store", "--quiet"});
    const auto r = run_linkhook({"check", "--url", listener.url(), "--secret", "github-secret",
                                 "--scheme", "github", "--skip", "handles_concurrency"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("rejects_stale_timestamp    skip") != std::string::npos);
    CHECK(r.out.find("handles_concurrency") == std::string::npos);
    CHECK(r.out.find("9 checks: 7 pass, 0 fail, 0 warn, 2 skip") != std::string::npos);
    CHECK(r.out.find("\x1b[") == std::string::npos); // no colour off a terminal

    const auto only = check(
        listener.url(), {"--scheme", "github", "--only", "rejects_wrong_secret,answers_in_time"});
    CHECK(only.verdicts.size() == 2);
    CHECK(with(only, "pass") == Names{"answers_in_time", "rejects_wrong_secret"});
  }

  TEST_CASE("--header sends the endpoint's own authentication with every delivery") {
    FlawedServer server("auth");
    const auto without = check(server.url);
    CHECK(without.exit_code == 1);
    CHECK(without.details.at("accepts_genuine").find("401") == std::string::npos);
    CHECK(without.details.at("accepts_genuine").find("403") != std::string::npos);
    const auto with_auth = check(server.url, {"-H", "Authorization: Bearer t0ken"});
    CHECK(with_auth.exit_code == 0);
    CHECK(with(with_auth, "pass").size() == 10);
  }

  TEST_CASE("on a terminal the verdicts are coloured, and never with NO_COLOR") {
    RunningListener listener({"--secret", k_test_secret, "--no-store", "--quiet"});
    // script(1) runs the command on a pseudo-terminal, as a person at a shell would.
    const auto command = linkhook_binary() + " check --only rejects_wrong_secret --url " +
                         listener.url() + " --secret " + k_test_secret;
    auto r = run({"script", "-qec", command, "/dev/null"}, {}, {{"NO_COLOR", ""}});
    CHECK_MESSAGE(r.out.find("\x1b[32mpass") != std::string::npos, r.out);
    r = run({"script", "-qec", command, "/dev/null"}, {}, {{"NO_COLOR", "1"}});
    CHECK(r.out.find("\x1b[") == std::string::npos);
    CHECK(r.out.find("rejects_wrong_secret       pass") != std::string::npos);
  }

  TEST_CASE("an endpoint that answers nothing fails every check, answers_in_time too") {
    const auto report = check("http://127.0.0.1:9/", {"--skip", "handles_concurrency"});
    CHECK(report.exit_code == 1);
    CHECK(with(report, "fail").size() == 9);
    CHECK(report.details.at("answers_in_time").find("none got an answer") != std::string::npos);
  }

  TEST_CASE("a check that is none, or a selection of none, is a usage error") {
    const auto r = run_linkhook({"check", "--url", "http://127.0.0.1:9/", "--secret", k_test_secret,
                                 "--only", "rejects_stale"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("'rejects_stale' is no check (did you mean 'rejects_stale_timestamp'?)") !=
          std::string::npos);
    const auto none =
        run_linkhook({"check", "--url", "http://127.0.0.1:9/", "--secret", k_test_secret, "--only",
                      "answers_in_time", "--skip", "answers_in_time"});
    CHECK(none.exit_code == 2);
    CHECK(run_linkhook({"check", "--url", "http://127.0.0.1:9/"}).exit_code == 2); // no secret
  }
}
