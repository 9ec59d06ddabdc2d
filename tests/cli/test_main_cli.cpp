#include "cli_helpers.hpp"
#include "temp_dir.hpp"

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

using namespace linkhook::test;

TEST_SUITE("cli.main") {
  TEST_CASE("--version prints the name and version") {
    const auto r = run_linkhook({"--version"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.starts_with("linkhook 0."));
  }

  TEST_CASE("--help on every level explains and exits 0") {
    const auto top = run_linkhook({"--help"});
    CHECK(top.exit_code == 0);
    CHECK(top.out.find("generate") != std::string::npos);
    CHECK(top.out.find("events") != std::string::npos);
    for (const char* command : {"events", "generate"}) {
      const auto r = run_linkhook({command, "--help"});
      CHECK(r.exit_code == 0);
      CHECK(r.out.find("Examples:") != std::string::npos);
    }
  }

  TEST_CASE("no command prints help on stderr and exits 2") {
    const auto r = run_linkhook({});
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(r.err.find("Usage:") != std::string::npos);
  }

  TEST_CASE("an unknown command or flag is a usage error that names it") {
    check_usage_error(run_linkhook({"generat"}),
                      "unknown command 'generat' (did you mean 'generate'?)");
    check_usage_error(run_linkhook({"frobnicate"}), "unknown command 'frobnicate'");
    check_usage_error(run_linkhook({"events", "--bogus"}), "--bogus");
  }

  TEST_CASE("the binary alone, copied into an empty folder, runs every command") {
    const TempDir dir;
    const auto lonely = dir / "linkhook";
    std::filesystem::copy_file(linkhook_binary(), lonely);
    const Env env{{"LINKHOOK_STORE", (dir / "store").string()},
                  {"LINKHOOK_SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}};
    for (const std::vector<std::string>& args :
         std::vector<std::vector<std::string>>{{"--version"},
                                               {"help"},
                                               {"help", "listen"},
                                               {"completion", "bash"},
                                               {"listen", "--help"},
                                               {"send", "--help"},
                                               {"replay", "--help"}}) {
      auto argv = args;
      argv.insert(argv.begin(), lonely.string());
      const auto r = run(argv, {}, env);
      CHECK_MESSAGE(r.exit_code == 0, args.front(), ": ", r.err);
      CHECK(!r.out.empty());
    }
    // A real round trip between two copies: listen, send, then replay from the store.
    Process listener({lonely.string(), "listen", "--port", "0", "--max-events", "2"}, env);
    const auto url = listener.read_line(20s);
    REQUIRE(url.has_value());
    const auto sent = run(
        {lonely.string(), "send", "link.clicked", "--id", "msg_lonely", "--url", *url}, {}, env);
    CHECK_MESSAGE(sent.exit_code == 0, sent.err);
    const auto replayed = run({lonely.string(), "replay", "msg_lonely", "--url", *url}, {}, env);
    CHECK_MESSAGE(replayed.exit_code == 0, replayed.err);
    CHECK(listener.wait(20s) == 0);
    // Nothing was written beside it.
    std::vector<std::string> beside;
    for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
      beside.push_back(entry.path().filename().string());
    }
    std::sort(beside.begin(), beside.end());
    CHECK(beside == std::vector<std::string>{"linkhook", "store"});
  }
}
