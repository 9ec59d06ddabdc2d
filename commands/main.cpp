#include "commands.hpp"
#include "error.hpp"
#include "network_module.hpp"
#include "text.hpp"
#include "version.hpp"

#include <cstdio>
#include <cstdlib>
#include <fmt/format.h>

namespace {

struct Command {
  std::string_view name;
  void (*add)(CLI::App&, int&);
};

void add_listen(CLI::App& app, int& exit_code) {
  linkhook::cmd::network_commands().add_listen(app, exit_code);
}

void add_send(CLI::App& app, int& exit_code) {
  linkhook::cmd::network_commands().add_send(app, exit_code);
}

void add_replay(CLI::App& app, int& exit_code) {
  linkhook::cmd::network_commands().add_replay(app, exit_code);
}

// Every subcommand, in the order `linkhook --help` lists them.
constexpr Command k_commands[] = {
    {"events", linkhook::cmd::add_events},
    {"generate", linkhook::cmd::add_generate},
    {"sign", linkhook::cmd::add_sign},
    {"verify", linkhook::cmd::add_verify},
    {"secret", linkhook::cmd::add_secret},
    {"listen", add_listen},
    {"send", add_send},
    {"replay", add_replay},
    {"store", linkhook::cmd::add_store},
};

// The command named by the first argument, if it names one.
const Command* chosen_command(int argc, char** argv) {
  for (const auto& command : k_commands) {
    if (argc > 1 && command.name == argv[1]) {
      return &command;
    }
  }
  return nullptr;
}

int report(std::string_view message, int code) {
  fmt::print(stderr, "linkhook: error: {}\n", message);
  return code;
}

// "unknown command 'gen' (did you mean 'generate'?)" for a first word that names no subcommand.
std::string unknown_command(std::string_view word) {
  std::vector<std::string_view> names;
  for (const auto& command : k_commands) {
    names.push_back(command.name);
  }
  const auto hint = linkhook::closest_match(word, names);
  return fmt::format("unknown command '{}'{}; 'linkhook --help' lists them", word,
                     hint ? fmt::format(" (did you mean '{}'?)", *hint) : "");
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"Develop and test Linkzly webhooks: generate sample payloads, sign and verify them, "
               "send them, listen for them and replay them.",
               "linkhook"};
  app.set_version_flag("--version", fmt::format("linkhook {}", linkhook::k_version),
                       "Print the version and exit");
  app.require_subcommand(1);
  app.footer("Run 'linkhook COMMAND --help' for a command's flags and examples.");
  int exit_code = 0;
  try {
    // Start-up is part of the product (`linkhook sign` is held to `openssl dgst`): when the first
    // word names a command, only that command's options are built.
    if (const auto* chosen = chosen_command(argc, argv)) {
      chosen->add(app, exit_code);
    } else {
      for (const auto& command : k_commands) {
        command.add(app, exit_code);
      }
    }
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) {
      return app.exit(e); // --help, --version
    }
    if (argc == 1) {
      fmt::print(stderr, "{}", app.help());
    } else if (argv[1][0] != '-' && chosen_command(argc, argv) == nullptr) {
      return report(unknown_command(argv[1]), static_cast<int>(linkhook::ExitCode::usage));
    }
    return report(e.what(), static_cast<int>(linkhook::ExitCode::usage));
  } catch (const linkhook::Error& e) {
    return report(e.what(), static_cast<int>(e.code()));
  } catch (const std::exception& e) {
    return report(e.what(), static_cast<int>(linkhook::ExitCode::usage));
  }
  // Leave without running exit handlers: OpenSSL's clean-up alone costs more than signing a
  // body, and the operating system frees everything anyway. Output is flushed first. Sanitizer
  // builds exit normally, so that LeakSanitizer's check at exit runs.
  if (std::fflush(nullptr) != 0) {
    exit_code = report("cannot write output", static_cast<int>(linkhook::ExitCode::failed));
  }
#if defined(__SANITIZE_ADDRESS__)
  return exit_code;
#else
  std::_Exit(exit_code);
#endif
}
