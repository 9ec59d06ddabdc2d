// store wait: a CI script's "my app must send this within N seconds", against a real listener
// storing real deliveries.
#include "cli_helpers.hpp"
#include "listener_fixture.hpp"
#include "temp_dir.hpp"

#include <ctime>

using namespace linkhook::test;
using Json = nlohmann::json;

namespace {

// `linkhook send EVENT` to the listener with `--set` assignments; returns the delivery's id.
std::string send_one(const RunningListener& listener, const std::string& event,
                     const std::vector<std::string>& sets) {
  std::vector<std::string> args = {"send",     event,         "--url",      listener.url(),
                                   "--secret", k_test_secret, "--no-store", "--json"};
  for (const auto& set : sets) {
    args.insert(args.end(), {"--set", set});
  }
  const auto r = run_linkhook(args);
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  return Json::parse(lines_of(r.out).at(0))["id"].get<std::string>();
}

} // namespace

TEST_SUITE("cli.store.wait") {
  TEST_CASE("it prints the first record that matches, stored while it waits, and exits 0") {
    TempDir store;
    RunningListener listener({"--secret", k_test_secret, "--store", store.path().string()});
    const auto since = std::to_string(std::time(nullptr) - 1);
    Process wait({linkhook_binary(), "store", "wait", "--event", "link.*", "--filter",
                  "data.click.country=US", "--filter", "data.click.device=mobile", "--since", since,
                  "--timeout", "60", "--json", "--store", store.path().string()});
    // Another event, then the right event with the wrong country, then the one it waits for.
    send_one(listener, "qr.scanned", {});
    send_one(listener, "link.clicked", {"data.click.country=FR", "data.click.device=mobile"});
    const auto wanted =
        send_one(listener, "link.clicked", {"data.click.country=US", "data.click.device=mobile"});
    REQUIRE(wait.wait(std::chrono::seconds(30)) == 0);
    const auto record = Json::parse(wait.rest_of_out());
    CHECK(record["id"] == wanted);
    CHECK(record["event"] == "link.clicked");
    CHECK(Json::parse(record["body"].get<std::string>())["data"]["click"]["country"] == "US");
  }

  TEST_CASE(
      "what was stored before --since is not taken, and an earlier --since takes it at once") {
    TempDir store;
    RunningListener listener({"--secret", k_test_secret, "--store", store.path().string()});
    const auto id = send_one(listener, "team.member_added", {});
    const auto listed = run_linkhook({"store", "list", "--json", "--store", store.path().string()});
    const auto at = Json::parse(lines_of(listed.out).at(0))["received_at"].get<std::string>();

    const auto late = run_linkhook({"store", "wait", "--event", "team.*", "--timeout", "0.2",
                                    "--store", store.path().string()});
    CHECK(late.exit_code == 1);
    CHECK(late.out.empty());
    CHECK_MESSAGE(late.err.find("no team.* records stored since") != std::string::npos, late.err);
    CHECK(late.err.find("within 0.2 s") != std::string::npos);

    const auto found = run_linkhook({"store", "wait", "--event", "team.*", "--since", at,
                                     "--timeout", "0", "--store", store.path().string()});
    CHECK_MESSAGE(found.exit_code == 0, found.err);
    CHECK(found.out.find(id) != std::string::npos); // store show's text
  }

  TEST_CASE("nothing matching within the timeout: exit 1, saying what it waited for") {
    TempDir store;
    const auto r = run_linkhook({"store", "wait", "--event", "qr.scanned", "--filter",
                                 "data.qr_code.id=qr_1", "--kind", "received", "--timeout", "0.3",
                                 "--store", (store / "not-yet").string()});
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    CHECK_MESSAGE(r.err.find("no qr.scanned records of kind received with "
                             "data.qr_code.id=qr_1 stored since") != std::string::npos,
                  r.err);
  }

  TEST_CASE("bad input is a usage error naming it") {
    TempDir store;
    const auto dir = store.path().string();
    check_usage_error(run_linkhook({"store", "wait", "--store", dir}), "--timeout");
    check_usage_error(
        run_linkhook({"store", "wait", "--since", "yesterday", "--timeout", "1", "--store", dir}),
        "--since: 'yesterday' is not a time");
    check_usage_error(
        run_linkhook({"store", "wait", "--filter", "data.x", "--timeout", "1", "--store", dir}),
        "--filter");
    check_usage_error(run_linkhook({"store", "wait", "--timeout", "-1", "--store", dir}),
                      "--timeout");
  }
}
