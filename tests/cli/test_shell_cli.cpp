#include "cli_helpers.hpp"
#include "temp_dir.hpp"

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>

using namespace linkhook::test;

namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in, path.string());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// What bash's completion of `linkhook completion bash` offers for the words, the last one being
// completed: the real script in a real bash, as programmable completion would call it.
std::string bash_complete(const std::vector<std::string>& words) {
  std::string array;
  for (const auto& word : words) {
    array += " '" + word + "'";
  }
  const auto r = run({"bash", "-c",
                      "source <(\"$1\" completion bash) && COMP_WORDS=(" + array +
                          ") && COMP_CWORD=$((${#COMP_WORDS[@]} - 1)) && _linkhook && "
                          "echo \"${COMPREPLY[*]}\"",
                      "_", linkhook_binary()});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  return r.out.substr(0, r.out.find('\n'));
}

// The path of every command and action, from help --json: {"events"}, ..., {"store", "list"}.
std::vector<std::vector<std::string>> command_paths() {
  const auto r = run_linkhook({"help", "--json"});
  REQUIRE(r.exit_code == 0);
  std::vector<std::vector<std::string>> paths;
  const auto walk = [&paths](const nlohmann::json& command, std::vector<std::string> path,
                             const auto& self) -> void {
    for (const auto& sub : command["commands"]) {
      auto sub_path = path;
      sub_path.push_back(sub["name"]);
      paths.push_back(sub_path);
      self(sub, sub_path, self);
    }
  };
  walk(nlohmann::json::parse(r.out), {}, walk);
  return paths;
}

const std::string k_secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const std::string k_other_secret = "whsec_dGhlIG90aGVyIHNlY3JldCBvZiB0aGUgdGVzdHM=";

std::string signature_with(const std::string& secret) {
  const auto r =
      run_linkhook({"sign", "--secret", secret, "--id", "msg_1", "--timestamp", "1"}, "{}");
  REQUIRE(r.exit_code == 0);
  return r.out;
}

} // namespace

TEST_SUITE("cli.shell") {
  TEST_CASE("completions/ holds exactly what linkhook completion prints") {
    const std::filesystem::path dir = LINKHOOK_SOURCE_DIR "/completions";
    for (const auto& [shell, file] :
         {std::pair{"bash", "linkhook.bash"}, std::pair{"zsh", "_linkhook"},
          std::pair{"fish", "linkhook.fish"}}) {
      const auto r = run_linkhook({"completion", shell});
      CHECK(r.exit_code == 0);
      CHECK_MESSAGE(r.out == read_file(dir / file),
                    "completions/" << file
                                   << " is stale: cmake --build build --target "
                                      "update_completions");
    }
  }

  TEST_CASE("bash completes commands, events, schemes, actions and flags in a real bash") {
    CHECK(bash_complete({"linkhook", "ge"}) == "generate");
    CHECK(bash_complete({"linkhook", "generate", "link.c"}) == "link.clicked link.created");
    CHECK(bash_complete({"linkhook", "send", "--url", "u", "qr"}) == "qr.scanned");
    CHECK(bash_complete({"linkhook", "sign", "--scheme", "st"}) == "standard stripe");
    CHECK(bash_complete({"linkhook", "store", "ex"}) == "export");
    CHECK(bash_complete({"linkhook", "generate", "--co"}) == "--count");
    CHECK(bash_complete({"linkhook", "help", "comp"}) == "completion");
    CHECK(bash_complete({"linkhook", "completion", "f"}) == "fish");
    // A value of two words would be offered as two: "gave up" is the one word gave-up.
    CHECK(bash_complete({"linkhook", "store", "list", "--verdict", "ga"}) == "gave-up");
  }

  TEST_CASE("fish completes events and actions, zsh accepts its script") {
    const auto has = [](const char* shell) {
      return run({"sh", "-c", std::string("command -v ") + shell}).exit_code == 0;
    };
    if (has("fish")) {
      const auto r = run({"fish", "-c",
                          "linkhook completion fish | source\n"
                          "complete -C 'linkhook generate link.c'\n"
                          "complete -C 'linkhook store ex'\n"
                          "complete -C 'linkhook sign --scheme gi'"},
                         {},
                         {{"PATH", std::filesystem::path(linkhook_binary()).parent_path().string() +
                                       ":" + std::getenv("PATH")}});
      CHECK(r.exit_code == 0);
      std::vector<std::string> words;
      for (const auto& line : lines_of(r.out)) {
        words.push_back(line.substr(0, line.find('\t')));
      }
      CHECK(words == std::vector<std::string>{"link.clicked", "link.created", "export", "github"});
    } else {
      MESSAGE("fish is missing: its completion is not tried");
    }
    if (has("zsh")) {
      const auto r = run({"zsh", "-n", LINKHOOK_SOURCE_DIR "/completions/_linkhook"});
      CHECK_MESSAGE(r.exit_code == 0, r.err);
    } else {
      MESSAGE("zsh is missing: its completion is not checked");
    }
  }

  TEST_CASE("help COMMAND prints what COMMAND --help prints, for every command and action") {
    const auto top = run_linkhook({"help"});
    CHECK(top.exit_code == 0);
    CHECK(top.out == run_linkhook({"--help"}).out);
    for (const auto& path : command_paths()) {
      auto help = path;
      help.insert(help.begin(), "help");
      auto flag = path;
      flag.push_back("--help");
      const auto r = run_linkhook(help);
      CHECK(r.exit_code == 0);
      CHECK_MESSAGE(r.out == run_linkhook(flag).out, path.back());
    }
  }

  TEST_CASE("every command's help has a purpose, grouped flags and two or more examples") {
    for (const auto& path : command_paths()) {
      auto args = path;
      args.insert(args.begin(), "help");
      const auto lines = lines_of(run_linkhook(args).out);
      REQUIRE(!lines.empty());
      CHECK_MESSAGE(!lines[0].empty(), path.back());
      CHECK(std::find(lines.begin(), lines.end(), "Options:") != lines.end());
      const auto examples = std::find(lines.begin(), lines.end(), "Examples:");
      REQUIRE_MESSAGE(examples != lines.end(), path.back());
      const auto count = std::count_if(examples, lines.end(), [](const std::string& line) {
        return line.starts_with("  ") && line.find("linkhook") != std::string::npos;
      });
      CHECK_MESSAGE(count >= 2, path.back());
    }
  }

  TEST_CASE("unknown flags, commands and actions suggest the closest name") {
    check_usage_error(run_linkhook({"generate", "--coutn", "2"}), "did you mean '--count'?");
    check_usage_error(run_linkhook({"listen", "--prot", "0"}), "did you mean '--port'?");
    check_usage_error(run_linkhook({"help", "generat"}), "did you mean 'generate'?");
    check_usage_error(run_linkhook({"config", "shwo"}), "did you mean 'show'?");
  }

  TEST_CASE("help --man is a roff page of every command") {
    const auto r = run_linkhook({"help", "--man"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.starts_with(".TH LINKHOOK 1 "));
    for (const auto& path : command_paths()) {
      CHECK(r.out.find(".SS \"linkhook " + path.front()) != std::string::npos);
    }
  }
}

TEST_SUITE("cli.config") {
  TEST_CASE("the config file sets flags, and flags win over it") {
    const TempDir tmp;
    write_file(tmp / "home/linkhook/config.toml", "[generate]\ncount = 3\nseed = 7\n");
    const Env env = {{"XDG_CONFIG_HOME", (tmp / "home").string()}};
    const auto from_file = run_linkhook({"generate", "link.clicked"}, {}, env);
    CHECK(from_file.exit_code == 0);
    CHECK(lines_of(from_file.out).size() == 3);
    CHECK(from_file.out ==
          run_linkhook({"generate", "link.clicked", "-n", "3", "--seed", "7"}).out);
    CHECK(
        lines_of(run_linkhook({"generate", "link.clicked", "--count", "1"}, {}, env).out).size() ==
        1);
  }

  TEST_CASE("a key of store sets every action's flag, a nearer section wins") {
    const TempDir tmp;
    const auto file = (tmp / "c.toml").string();
    write_file(file, "[store.list]\nstore = \"near\"\n[store]\nstore = \"far\"\n");
    const auto r = run_linkhook({"--config", file, "config", "show", "--json", "store"});
    REQUIRE(r.exit_code == 0);
    std::map<std::string, std::string> stores;
    const auto doc = nlohmann::json::parse(r.out);
    for (const auto& setting : doc["settings"]) {
      if (setting["key"] == "store") {
        CHECK(setting["source"] == "file");
        stores[setting["section"].get<std::string>()] = setting["value"].get<std::string>();
      }
    }
    const std::map<std::string, std::string> expected = {
        {"store.clear", "far"},  {"store.diff", "far"},  {"store.export", "far"},
        {"store.import", "far"}, {"store.list", "near"}, {"store.show", "far"},
        {"store.wait", "far"}};
    CHECK_MESSAGE(stores == expected, r.out);
  }

  TEST_CASE("--config FILE, else ./linkhook.toml, else the XDG file") {
    const TempDir tmp;
    write_file(tmp / "home/linkhook/config.toml", "[generate]\ncount = 2\n");
    write_file(tmp / "work/linkhook.toml", "[generate]\ncount = 3\n");
    write_file(tmp / "other.toml", "[generate]\ncount = 4\n");
    const Env env = {{"XDG_CONFIG_HOME", (tmp / "home").string()}};
    const auto in_work = [&](const std::string& args) {
      const auto r = run({"bash", "-c", "cd \"$1\" && exec \"$2\" " + args, "_",
                          (tmp / "work").string(), linkhook_binary()},
                         {}, env);
      CHECK(r.exit_code == 0);
      return lines_of(r.out).size();
    };
    CHECK(lines_of(run_linkhook({"generate", "qr.scanned"}, {}, env).out).size() == 2);
    CHECK(in_work("generate qr.scanned") == 3);
    CHECK(in_work("generate qr.scanned --config ../other.toml") == 4);
    CHECK(in_work("--config ../other.toml generate qr.scanned") == 4);
  }

  TEST_CASE("LINKHOOK_SECRET wins over the config file's secret, a flag over both") {
    const TempDir tmp;
    write_file(tmp / "c.toml", "[sign]\nsecret = \"" + k_secret + "\"\n");
    const std::vector<std::string> sign = {
        "sign", "--config", (tmp / "c.toml").string(), "--id", "msg_1", "--timestamp", "1"};
    CHECK(run_linkhook(sign, "{}").out == signature_with(k_secret));
    CHECK(run_linkhook(sign, "{}", {{"LINKHOOK_SECRET", k_other_secret}}).out ==
          signature_with(k_other_secret));
    auto with_flag = sign;
    with_flag.insert(with_flag.end(), {"--secret", k_other_secret});
    CHECK(run_linkhook(with_flag, "{}").out == signature_with(k_other_secret));
  }

  TEST_CASE("config show masks secrets and says where each setting came from") {
    const TempDir tmp;
    const auto file = (tmp / "c.toml").string();
    write_file(file, "[listen]\nsecret = \"" + k_secret + "\"\nport = 8080\n");
    const auto r = run_linkhook({"--config", file, "config", "show", "listen", "--host", "::1"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find(k_secret) == std::string::npos);
    CHECK(r.out.find("whsec_\xe2\x80\xa6 (fp ") != std::string::npos);
    const auto lines = lines_of(r.out);
    const auto has = [&lines](const std::string& start, const std::string& end) {
      return std::any_of(lines.begin(), lines.end(), [&](const std::string& line) {
        return line.starts_with(start) && line.ends_with(end);
      });
    };
    CHECK(has("port = 8080", "# file " + file));
    CHECK(has("host = ::1", "# flag"));
    CHECK(has("path = /", "# default"));

    const auto json = run_linkhook({"--config", file, "config", "show", "--json"}, {},
                                   {{"LINKHOOK_SECRET", k_other_secret}});
    CHECK(json.exit_code == 0);
    CHECK(json.out.find(k_other_secret) == std::string::npos);
    const auto doc = nlohmann::json::parse(json.out);
    CHECK(doc["config_file"] == file);
    bool seen = false;
    for (const auto& setting : doc["settings"]) {
      if (setting["section"] == "listen" && setting["key"] == "secret") {
        CHECK(setting["source"] == "env");
        CHECK(setting["from"] == "LINKHOOK_SECRET");
        seen = true;
      }
    }
    CHECK(seen);
  }

  TEST_CASE("a bad config file is a usage error naming the file and the key") {
    const TempDir tmp;
    const auto file = (tmp / "c.toml").string();
    const auto with = [&](const std::string& text, const std::vector<std::string>& args) {
      write_file(file, text);
      auto all = args;
      all.insert(all.end(), {"--config", file});
      return run_linkhook(all);
    };
    check_usage_error(with("[generate]\ncoutn = 2\n", {"generate", "link.clicked"}),
                      file + ": [generate] coutn: 'linkhook generate' has no setting 'coutn' "
                             "(did you mean 'count'?)");
    check_usage_error(with("[generate]\ncount = many\n", {"generate", "link.clicked"}),
                      file + ": [generate] count: ");
    check_usage_error(with("[genrate]\ncount = 2\n", {"generate", "link.clicked"}),
                      file + ": [genrate]: 'genrate' is not a command (did you mean 'generate'?)");
    check_usage_error(with("count = 2\n", {"generate", "link.clicked"}), file + ": count: ");
    // Sections of the commands that do not run are checked by config show.
    check_usage_error(with("[listen]\nprot = 1\n", {"config", "show"}), "[listen] prot");
    check_usage_error(run_linkhook({"generate", "link.clicked", "--config", file + ".missing"}),
                      file + ".missing");
  }
}
