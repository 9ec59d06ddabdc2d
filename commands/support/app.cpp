#include "support/app.hpp"

#include "base/error.hpp"
#include "commands.hpp"
#include "support/config_file.hpp"
#include "support/parse_errors.hpp"
#include "version.hpp"

#include <cstdio>
#include <fmt/format.h>

namespace linkhook::cmd {

namespace {

struct Command {
  std::string_view name;
  void (*add)(CLI::App&, int&);
};

// Every subcommand, in the order `linkhook --help` lists them. Help, completion scripts, the man
// page and the config file's sections all follow this table.
// One command a line.
// clang-format off
constexpr Command k_commands[] = {
    {"events", add_events},
    {"generate", add_generate},
    {"scenario", add_scenario},
    {"schema", add_schema},
    {"validate", add_validate},
    {"sign", add_sign},
    {"verify", add_verify},
    {"secret", add_secret},
    {"listen", add_listen},
    {"send", add_send},
    {"replay", add_replay},
    {"check", add_check},
    {"store", add_store},
    {"inspect", add_inspect},
    {"config", add_config},
    {"completion", add_completion},
    {"help", add_help},
};
// clang-format on

// The command the command line names: its first word, or the one after --config FILE.
const Command* chosen_command(int argc, char** argv) {
  int at = 1;
  if (argc > 2 && std::string_view(argv[1]) == "--config") {
    at = 3;
  } else if (argc > 1 && std::string_view(argv[1]).starts_with("--config=")) {
    at = 2;
  }
  for (const auto& command : k_commands) {
    if (argc > at && command.name == argv[at]) {
      return &command;
    }
  }
  return nullptr;
}

std::unique_ptr<CLI::App> make_app() {
  auto app = std::make_unique<CLI::App>(
      "Develop and test Linkzly webhooks: generate sample payloads, sign and verify them, "
      "send them, listen for them and replay them.",
      "linkhook");
  app->set_version_flag("--version", fmt::format("linkhook {}", k_version),
                        "Print the version and exit");
  app->set_config("--config", "",
                  "Read settings from this TOML file (default: ./linkhook.toml, else "
                  "${XDG_CONFIG_HOME:-~/.config}/linkhook/config.toml)")
      ->type_name("FILE");
  // Subcommands pass the flags they do not know to here: `linkhook listen --config FILE`.
  app->fallthrough();
  app->require_subcommand(1);
  app->footer(
      "Run 'linkhook help COMMAND' (or 'linkhook COMMAND --help') for a command's flags and "
      "examples.\n\n"
      "Exit status:\n"
      "  0    success\n"
      "  1    what was tested failed: a delivery not 2xx, an invalid signature, a listener\n"
      "       that rejected a delivery or could not forward or store one\n"
      "  2    usage or input error: an unknown flag or event, an unreadable file, malformed\n"
      "       JSON, a bad config file; one line on stderr names it\n"
      "  130  interrupted\n\n"
      "Environment:\n"
      "  LINKHOOK_SECRET  the signing secret when neither --secret nor --secret-file is given\n"
      "  LINKHOOK_STORE   the event store (default ${XDG_STATE_HOME:-~/.local/state}/linkhook)\n"
      "  NO_COLOR         when set, no colour even on a terminal\n\n"
      "Configuration:\n"
      "  --config FILE, else ./linkhook.toml, else ${XDG_CONFIG_HOME:-~/.config}/linkhook/\n"
      "  config.toml: a [COMMAND] section per command whose keys are its long flags, like\n"
      "  [listen] port = 8080. Flags win over the environment, which wins over the file.\n"
      "  'linkhook config show' prints the settings and where each comes from.");
  return app;
}

int report(std::string_view message, int code) {
  fmt::print(stderr, "linkhook: error: {}\n", message);
  return code;
}

} // namespace

std::vector<std::string> command_names() {
  std::vector<std::string> names;
  for (const auto& command : k_commands) {
    names.emplace_back(command.name);
  }
  return names;
}

std::unique_ptr<CLI::App> make_full_app(int& exit_code) {
  auto app = make_app();
  for (const auto& command : k_commands) {
    command.add(*app, exit_code);
  }
  return app;
}

// Parses the command line, runs the command it names, and reports an error once, as one line.
int run(int argc, char** argv) {
  int exit_code = 0;
  std::unique_ptr<CLI::App> app;
  try {
    // Start-up is part of the product (`linkhook sign` is held to `openssl dgst`): when the
    // command line names a command, only that command's options are built, and the config file
    // is read only for a command it can set something of.
    if (const auto* chosen = chosen_command(argc, argv)) {
      app = make_app();
      chosen->add(*app, exit_code);
      if (has_settings(*app->get_subcommand(std::string(chosen->name)))) {
        ConfigFile::attach(*app, command_names());
      }
    } else {
      app = make_full_app(exit_code);
    }
    app->parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) {
      exit_code = app->exit(e); // --help, --version
    } else {
      if (argc == 1) {
        fmt::print(stderr, "{}", app->help());
      }
      exit_code = report(parse_error_message(*app, e), static_cast<int>(ExitCode::usage));
    }
  } catch (const Error& e) {
    exit_code = report(e.what(), static_cast<int>(e.code()));
  } catch (const std::exception& e) {
    exit_code = report(e.what(), static_cast<int>(ExitCode::usage));
  }
  if (std::fflush(nullptr) != 0) {
    exit_code = report("cannot write output", static_cast<int>(ExitCode::failed));
  }
  return exit_code;
}

} // namespace linkhook::cmd
