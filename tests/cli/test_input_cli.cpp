// Input from the user that linkhook must take, or refuse in one line: secrets of any form for
// stripe and github, deep nesting, oversized files, unreadable config files, --set paths the event
// lacks, and CLI11's own parse errors reworded.
#include "cli_helpers.hpp"
#include "listener_fixture.hpp"
#include "temp_dir.hpp"

#include <fstream>
#include <unistd.h>

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

std::string deep_path(std::size_t levels) {
  std::string path = "data";
  for (std::size_t i = 1; i < levels; ++i) {
    path += ".a";
  }
  return path;
}

std::string deep_value(std::size_t levels) {
  return std::string(levels, '[') + std::string(levels, ']');
}

const std::string k_closed = "http://127.0.0.1:1/";

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

  TEST_CASE("--set nested 20,000 levels is a usage error naming the limit, not a crash") {
    check_usage_error(run_linkhook({"generate", "link.clicked", "--set", deep_path(20000) + "=1"}),
                      "the path has 20000 levels; linkhook takes at most 64");
    check_usage_error(
        run_linkhook({"generate", "link.clicked", "--set", "data.x=" + deep_value(20000)}),
        "the value nests 20000 levels deep; linkhook takes at most 64");
    check_usage_error(run_linkhook({"send", "link.clicked", "--url", k_closed, "--secret",
                                    k_test_secret, "--set", deep_path(20000) + "=1"}),
                      "linkhook takes at most 64");
    const auto within =
        run_linkhook({"generate", "link.clicked", "--set", deep_path(60) + "=" + deep_value(60)});
    CHECK_MESSAGE(within.exit_code == 0, within.err);
  }

  TEST_CASE("deep nesting in linkhook.toml or a store import is a usage error, not a crash") {
    TempDir dir;
    write_file(dir / "linkhook.toml", "[generate]\nset = [\"data.x=" + deep_value(20000) + "\"]\n");
    check_usage_error(run_in(dir.path(), {"generate", "link.clicked"}),
                      "linkhook takes at most 64");
    std::string object;
    for (int i = 0; i < 20000; ++i) {
      object += R"({"a":)";
    }
    object += "1" + std::string(20000, '}');
    write_file(dir / "deep.ndjson", R"({"id":"msg_1","kind":"received","headers":[],"body":"{}",)"
                                    R"("received_at":1700000000000,"extra":)" +
                                        object + "}\n");
    const auto store = (dir / "store").string();
    check_usage_error(
        run_linkhook({"store", "import", (dir / "deep.ndjson").string(), "--store", store}),
        "line 1: nested deeper than 64 levels");
  }

  TEST_CASE("input files are read up to a cap, then refused in one line naming it") {
    check_usage_error(
        run_linkhook({"send", "--file", "/dev/zero", "--url", k_closed, "--secret", k_test_secret}),
        "'/dev/zero' holds more than 64 MiB, the most linkhook reads for a body");
    check_usage_error(run_linkhook({"sign", "--secret", k_test_secret, "/dev/zero"}),
                      "more than 64 MiB");
    check_usage_error(run_linkhook({"verify", "--secret", k_test_secret, "/dev/zero"}),
                      "more than 64 MiB");
    check_usage_error(run_linkhook({"sign", "--secret-file", "/dev/zero"}, "{}"),
                      "'/dev/zero' holds more than 4 KiB, the most linkhook reads for a secret");
    check_usage_error(
        run_linkhook({"verify", "--secret", k_test_secret, "--header-file", "/dev/zero"}, "{}"),
        "more than 1 MiB");
    check_usage_error(run_linkhook({"--config", "/dev/zero", "generate", "link.clicked"}),
                      "config file: '/dev/zero' holds more than 1 MiB");
    TempDir dir;
    check_usage_error(
        run_linkhook({"store", "import", "/dev/zero", "--store", (dir / "store").string()}),
        "more than 256 MiB, the most linkhook reads for an import");
  }

  TEST_CASE("a config file that cannot be read is a usage error naming it, never skipped") {
    TempDir dir;
    std::filesystem::create_directory(dir / "linkhook.toml");
    check_usage_error(run_in(dir.path(), {"generate", "link.clicked"}),
                      "config file: './linkhook.toml' is a directory, not a file");
    check_usage_error(run_in(dir.path(), {"config", "show"}), "'./linkhook.toml' is a directory");
    const auto help = run_in(dir.path(), {"generate", "--help"});
    CHECK(help.exit_code == 0); // help needs no settings
    const auto config_dir = (dir / "linkhook.toml").string();
    check_usage_error(run_linkhook({"--config", config_dir, "generate", "link.clicked"}),
                      "config file: '" + config_dir + "' is a directory");
    check_usage_error(
        run_linkhook({"--config", (dir / "none.toml").string(), "generate", "link.clicked"}),
        "none.toml' does not exist");
    // The XDG file is the default where there is no ./linkhook.toml.
    TempDir home;
    std::filesystem::create_directories(home / "linkhook" / "config.toml");
    check_usage_error(run({"env", "XDG_CONFIG_HOME=" + home.path().string(), linkhook_binary(),
                           "generate", "link.clicked"}),
                      "linkhook/config.toml' is a directory");
    if (::geteuid() != 0) { // root reads a file of mode 000 all the same
      const auto locked = dir / "locked.toml";
      write_file(locked, "[generate]\ncount = 2\n");
      std::filesystem::permissions(locked, std::filesystem::perms::none);
      check_usage_error(run_linkhook({"--config", locked.string(), "generate", "link.clicked"}),
                        "Permission denied");
    }
  }

  TEST_CASE("a --set path the event lacks is created, with a note naming the nearest real one") {
    const auto r = run_linkhook({"generate", "qr.scanned", "--set", "data.qr.id=qr_42"});
    REQUIRE(r.exit_code == 0);
    CHECK(Json::parse(r.out)["data"]["qr"]["id"] == "qr_42"); // created, as --set documents
    CHECK(r.err == "linkhook: note: --set data.qr.id: qr.scanned has no such field, so it is "
                   "created (did you mean 'data.qr_code.id'?)\n");
    const auto real = run_linkhook({"generate", "qr.scanned", "--set", "data.qr_code.id=qr_42"});
    CHECK(Json::parse(real.out)["data"]["qr_code"]["id"] == "qr_42");
    CHECK(real.err.empty());
    const auto sent = run_linkhook({"send", "qr.scanned", "--url", k_closed, "--secret",
                                    k_test_secret, "--set", "data.qr.id=qr_42"});
    CHECK(sent.err.find("did you mean 'data.qr_code.id'?") != std::string::npos);
  }

  TEST_CASE("config show --json prints JSON wherever --json stands") {
    for (const auto& args : {std::vector<std::string>{"config", "show", "generate", "--json"},
                             std::vector<std::string>{"config", "show", "--json", "generate"}}) {
      const auto r = run_linkhook(args);
      REQUIRE(r.exit_code == 0);
      const auto shown = Json::parse(r.out);
      CHECK(shown["settings"][0]["section"] == "generate");
    }
  }

  TEST_CASE("CLI11's parse errors are reworded in one line, with the choices or expected value") {
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{"generate", "link.clicked", "--seed", "abc"}, "--seed expects a whole number, got 'abc'"},
        {{"listen", "--port", "abc"}, "--port expects a whole number, got 'abc'"},
        {{"generate", "--pretty=maybe", "link.clicked"},
         "--pretty expects true or false, got 'maybe'"},
        {{"store", "list", "--limit", "0"}, "--limit expects a whole number above 0, got '0'"},
        {{"events", "x"},
         "unexpected argument 'x' for 'linkhook events'; 'linkhook events --help' shows what it "
         "takes"},
        {{"sign", "a", "b"}, "unexpected argument 'b' for 'linkhook sign'"},
        {{"completion", "pwsh"},
         "unknown shell 'pwsh' for 'linkhook completion' (choose bash, zsh or fish)"},
        {{"store", "list", "--kind", "x"},
         "unknown --kind 'x' for 'linkhook store list' (choose received, sent or attempts)"},
        {{"generate", "--count"}, "--count needs a value: a whole number"},
        {{"send", "link.clicked"}, "'linkhook send' needs --url"},
        {{"completion"}, "'linkhook completion' needs its SHELL argument"},
        {{"config"}, "'linkhook config' needs a command: show"},
    };
    for (const auto& [args, message] : cases) {
      CAPTURE(args.front());
      const auto r = run_linkhook(args, {}, {{"LINKHOOK_SECRET", k_test_secret}});
      check_usage_error(r, message);
      CHECK(r.err.find("Could not convert") == std::string::npos);
      CHECK(r.err.find("not expected") == std::string::npos);
    }
  }

  TEST_CASE("a config file's value of the wrong type is worded as a flag's, and cut short") {
    TempDir dir;
    write_file(dir / "linkhook.toml", "[generate]\ncount = \"" + std::string(5000, 'x') + "\"\n");
    const auto r = run_in(dir.path(), {"generate", "link.clicked"});
    check_usage_error(r, "./linkhook.toml: [generate] count: --count expects a whole number, got");
    CHECK(r.err.size() < 200);
  }
}
