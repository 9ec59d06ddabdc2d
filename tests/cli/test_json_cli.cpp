#include "cli_helpers.hpp"
#include "listener_fixture.hpp"
#include "temp_dir.hpp"

using namespace linkhook::test;

namespace {

// Whether every line of `out` is a JSON document.
bool only_json(const std::string& out) {
  const auto lines = lines_of(out);
  return std::all_of(lines.begin(), lines.end(),
                     [](const std::string& line) { return nlohmann::json::accept(line); });
}

void check_json(const std::vector<std::string>& args, const std::string& input = {}) {
  const auto r = run_linkhook(args, input);
  CHECK_MESSAGE(r.exit_code == 0, args.front() << ": " << r.err);
  CHECK_MESSAGE(!r.out.empty(), args.front());
  CHECK_MESSAGE(only_json(r.out), args.front() << ": " << r.out);
}

} // namespace

TEST_SUITE("cli.json") {
  TEST_CASE("every command and action has --json") {
    const auto r = run_linkhook({"help", "--json"});
    REQUIRE(r.exit_code == 0);
    const auto walk = [](const nlohmann::json& command, const auto& self) -> void {
      if (command["commands"].empty()) {
        bool has_json = false;
        for (const auto& flag : command["flags"]) {
          for (const auto& name : flag["names"]) {
            has_json = has_json || name == "--json";
          }
        }
        CHECK_MESSAGE(has_json, command["name"]);
      }
      for (const auto& sub : command["commands"]) {
        self(sub, self);
      }
    };
    walk(nlohmann::json::parse(r.out), walk);
  }

  TEST_CASE("--json prints nothing but JSON on stdout") {
    const TempDir tmp;
    const auto store = (tmp / "store").string();
    const auto body = run_linkhook({"generate", "link.clicked", "--seed", "1"}).out;
    check_json({"events", "--json"});
    check_json({"schema", "--all", "--json"});
    check_json({"scenario", "list", "--json"});
    check_json({"scenario", "plan-lifecycle", "--json"});
    check_json({"validate", "--json"}, body);
    check_json({"generate", "--all", "--json"});
    check_json({"secret", "--json"});
    check_json({"secret", "--ed25519", "--json"});
    check_json({"sign", "--secret", k_test_secret, "--json", "-"}, body);
    check_json({"completion", "bash", "--json"});
    check_json({"help", "send", "--json"});
    check_json({"config", "show", "--json"});
    {
      RunningListener listener({"--secret", k_test_secret, "--store", store, "--max-events", "2"});
      check_json({"send", "link.clicked", "--count", "2", "--secret", k_test_secret, "--url",
                  listener.url(), "--no-store", "--json"});
      CHECK(only_json(listener.next_line()));
      CHECK(only_json(listener.next_line()));
      CHECK(listener.process().wait() == 0);
      CHECK(only_json(listener.process().rest_of_out()));
    }
    check_json({"store", "list", "--store", store, "--json"});
    check_json({"store", "export", "--store", store, "--json"});
    const auto exported = run_linkhook({"store", "export", "--store", store}).out;
    const auto id = nlohmann::json::parse(lines_of(exported).front())["id"].get<std::string>();
    check_json({"store", "show", id, "--store", store, "--json"});
    check_json({"store", "import", "-", "--store", (tmp / "copy").string(), "--json"}, exported);
    check_json({"store", "clear", "--store", store, "--json"});
  }

  TEST_CASE("verify --json prints JSON when the signature fails too") {
    const auto r = run_linkhook(
        {"verify", "--secret", k_test_secret, "-H", "webhook-id: x", "--json", "-"}, "{}");
    CHECK(r.exit_code == 1);
    CHECK(only_json(r.out));
  }
}
