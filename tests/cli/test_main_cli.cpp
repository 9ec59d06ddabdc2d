#include "cli_helpers.hpp"
#include "temp_dir.hpp"

#include <filesystem>

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

  TEST_CASE("only the network commands need the network module") {
    // A copy of the binary without linkhook-net.so beside it (nor installed under it).
    const TempDir dir;
    const auto lonely = dir / "linkhook";
    std::filesystem::copy_file(linkhook_binary(), lonely);
    const auto sign =
        run({lonely.string(), "sign", "--secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "--id",
             "msg_1", "--timestamp", "1760869800"},
            "{}");
    CHECK(sign.exit_code == 0);
    CHECK(sign.out.find("webhook-signature: v1,") != std::string::npos);
    for (const char* command : {"listen", "send", "replay"}) {
      const auto r = run({lonely.string(), command, "--help"});
      CHECK(r.exit_code == 1);
      CHECK(r.out.empty());
      CHECK(lines_of(r.err).size() == 1);
      CHECK(r.err.find("network module is missing") != std::string::npos);
    }
  }
}
