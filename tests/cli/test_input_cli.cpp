// Input from the user that linkhook must take, or refuse in one line: secrets of any form for
// stripe and github, deep nesting, oversized files, unreadable config files, --set paths the event
// lacks, and CLI11's own parse errors reworded.
#include "cli_helpers.hpp"
#include "listener_fixture.hpp"
#include "temp_dir.hpp"

#include <fstream>

using namespace linkhook::test;
using Json = nlohmann::json;

namespace {

// Stripe's own test secrets look like this: whsec_, then text that is not base64.
const std::string k_stripe_secret = "whsec_test_secret";

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// run_linkhook in the directory `dir`, where ./linkhook.toml is looked for.
Result run_in(const std::filesystem::path& dir, std::vector<std::string> args,
              std::string_view input = {}) {
  args.insert(args.begin(), {"env", "-C", dir.string(), linkhook_binary()});
  return run(args, input);
}

} // namespace

TEST_SUITE("cli.input") {
  TEST_CASE("stripe and github: any secret string is the key, whsec_test_secret too") {
    const std::string body = R"({"event":"link.clicked"})";
    for (const std::string scheme : {"stripe", "github"}) {
      CAPTURE(scheme);
      const auto signed_ = run_linkhook(
          {"sign", "--scheme", scheme, "--secret", k_stripe_secret, "--timestamp", "1760869800"},
          body);
      REQUIRE_MESSAGE(signed_.exit_code == 0, signed_.err);
      const auto header = lines_of(signed_.out).at(0);
      const auto verified = run_linkhook({"verify", "--scheme", scheme, "--now", "1760869800",
                                          "--secret", k_stripe_secret, "-H", header},
                                         body);
      CHECK_MESSAGE(verified.exit_code == 0, verified.err);
      CHECK(verified.out == "valid\n");
    }
  }

  TEST_CASE("listen, send and replay take a stripe secret that is not base64") {
    TempDir dir;
    const auto store = (dir / "store").string();
    const std::vector<std::string> scheme = {"--scheme", "stripe", "--secret", k_stripe_secret};
    std::vector<std::string> listen_args = {"--max-events", "2", "--timeout", "20", "--no-store"};
    listen_args.insert(listen_args.end(), scheme.begin(), scheme.end());
    RunningListener listener(listen_args);
    std::vector<std::string> send = {"send", "link.clicked", "--url",   listener.url(),
                                     "--id", "msg_stripe",   "--store", store};
    send.insert(send.end(), scheme.begin(), scheme.end());
    const auto sent = run_linkhook(send);
    CHECK_MESSAGE(sent.exit_code == 0, sent.err);
    CHECK(Json::parse(listener.next_line())["verified"] == true);
    std::vector<std::string> replay = {"replay",       "msg_stripe", "--url",
                                       listener.url(), "--store",    store};
    replay.insert(replay.end(), scheme.begin(), scheme.end());
    const auto replayed = run_linkhook(replay);
    CHECK_MESSAGE(replayed.exit_code == 0, replayed.err);
    CHECK(Json::parse(listener.next_line())["verified"] == true);
    CHECK(listener.process().wait() == 0);
  }

  TEST_CASE("a config file's stripe secret is used, and shown by fingerprint only") {
    TempDir dir;
    write_file(dir / "linkhook.toml",
               "[sign]\nscheme = \"stripe\"\nsecret = \"" + k_stripe_secret + "\"\n");
    const auto signed_ = run_in(dir.path(), {"sign", "--timestamp", "1760869800"}, "{}");
    CHECK_MESSAGE(signed_.exit_code == 0, signed_.err);
    CHECK(signed_.out.starts_with("Stripe-Signature: t=1760869800,v1="));
    const auto shown = run_in(dir.path(), {"config", "show", "sign"});
    REQUIRE(shown.exit_code == 0);
    CHECK(shown.out.find("secret = … (fp ") != std::string::npos);
    CHECK(shown.out.find("test_secret") == std::string::npos);
    CHECK(shown.out.find("not a valid secret") == std::string::npos);
  }
}
