#include "cli_helpers.hpp"
#include "listener_fixture.hpp"
#include "send_helpers.hpp"
#include "temp_dir.hpp"

#include <fstream>

using namespace linkhook::test;
using Json = nlohmann::json;

TEST_SUITE("cli.scenario") {
  TEST_CASE("scenario list names the built-in stories, as text or JSON") {
    auto r = run_linkhook({"scenario", "list"}, {}, {{"NO_COLOR", "1"}});
    CHECK(r.exit_code == 0);
    for (const auto* name : {"viral-link", "qr-campaign", "team-onboarding", "plan-lifecycle",
                             "security-incident", "domain-setup", "link-lifecycle"}) {
      CHECK_MESSAGE(r.out.find(std::string(name) + " ") != std::string::npos, name);
    }
    const auto list = Json::parse(run_linkhook({"scenario", "list", "--json"}).out);
    CHECK(list.size() >= 7);
    CHECK(list[0].contains("description"));
  }

  TEST_CASE("a story is JSON lines, reproducible with --seed, starting at --timestamp") {
    auto r = run_linkhook({"scenario", "plan-lifecycle", "--seed", "5"});
    CHECK(r.exit_code == 0);
    const auto lines = json_lines(r.out);
    REQUIRE(lines.size() == 3);
    CHECK(lines[0]["timestamp"] == "2025-10-19T10:30:00Z");
    CHECK(lines[2]["event"] == "account.downgraded");
    CHECK(lines[0]["data"]["account"] == lines[2]["data"]["account"]);
    CHECK(run_linkhook({"scenario", "plan-lifecycle", "--seed", "5"}).out == r.out);
    r = run_linkhook(
        {"scenario", "plan-lifecycle", "--seed", "5", "--timestamp", "2026-01-01T00:00:00Z"});
    CHECK(json_lines(r.out)[0]["timestamp"] == "2026-01-01T00:00:00Z");
    // What validate says of every payload of every story.
    CHECK(run_linkhook({"validate"}, run_linkhook({"scenario", "viral-link"}).out).exit_code == 0);
  }

  TEST_CASE("--file tells the user's own scenario, and its mistakes are usage errors") {
    const TempDir dir;
    const auto path = (dir / "mine.json").string();
    std::ofstream(path) << R"({"name": "mine", "values": {"id": "user_{{token:u}}"},
      "steps": [{"event": "team.member_added", "count": 3, "over": "1h",
                 "set": {"data.invited_by.id": "${id}"}}]})";
    auto r = run_linkhook({"scenario", "--file", path, "--seed", "1"});
    CHECK(r.exit_code == 0);
    const auto lines = json_lines(r.out);
    REQUIRE(lines.size() == 3);
    CHECK(lines[0]["data"]["invited_by"]["id"] == lines[2]["data"]["invited_by"]["id"]);

    std::ofstream(path) << R"({"name": "mine", "steps": [{"event": "team.member_add"}]})";
    r = run_linkhook({"scenario", "--file", path});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("team.member_added") != std::string::npos);
    r = run_linkhook({"scenario", "viral-lnk"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("did you mean 'viral-link'") != std::string::npos);
    r = run_linkhook({"scenario"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("name a scenario, or --file F") != std::string::npos);
  }

  TEST_CASE("scenario --url sends the story, signed, with send's flags, and every payload is "
            "valid") {
    RunningListener listener(
        {"--secret", k_test_secret, "--no-store", "--validate", "--quiet", "--timeout", "60"});
    const std::vector<std::string> to = {"--url",       listener.url(), "--secret",
                                         k_test_secret, "--no-store",   "--json"};
    auto args = std::vector<std::string>{"scenario", "plan-lifecycle", "--seed", "2"};
    args.insert(args.end(), to.begin(), to.end());
    auto r = run_linkhook(args);
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    auto lines = json_lines(r.out);
    REQUIRE(lines.size() == 4);
    CHECK(lines[0]["event"] == "account.upgraded");
    CHECK(lines[2]["event"] == "account.downgraded");
    CHECK(lines[3]["summary"]["2xx"] == 3);

    // A provider's habits over a story: redeliveries and reordering, every one answered 2xx by
    // a listener that validates each payload against its schema (422 otherwise).
    args = {"scenario",     "viral-link", "--seed",    "3", "--concurrency", "8",
            "--duplicates", "0.1",        "--reorder", "5", "--quiet"};
    args.insert(args.end(), to.begin(), to.end());
    r = run_linkhook(args);
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    const auto summary = json_lines(r.out).back()["summary"];
    CHECK(summary["duplicates"] > 0);
    CHECK(summary["reordered"] > 0);
    CHECK(summary["sent"] == 1202 + summary["duplicates"].get<int>());
    CHECK(summary["2xx"] == summary["sent"]);

    r = run_linkhook({"scenario", "viral-link", "--concurrency", "4"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("--concurrency is for sending the story: give --url too") !=
          std::string::npos);
  }
}
