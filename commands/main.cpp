#include "commands.hpp"
#include "error.hpp"
#include "text.hpp"
#include "version.hpp"

#include <fmt/format.h>

namespace {

using AddCommand = void (*)(CLI::App&, int&);

// Every subcommand, in the order `linkhook --help` lists them.
constexpr AddCommand k_commands[] = {
    linkhook::cmd::add_events, linkhook::cmd::add_generate, linkhook::cmd::add_sign,
    linkhook::cmd::add_verify, linkhook::cmd::add_secret,   linkhook::cmd::add_listen,
    linkhook::cmd::add_store,
};

int report(std::string_view message, int code) {
  fmt::print(stderr, "linkhook: error: {}\n", message);
  return code;
}

// "unknown command 'gen' (did you mean 'generate'?)" for a first word that names no subcommand.
std::string unknown_command(const CLI::App& app, std::string_view word) {
  std::vector<std::string> names;
  for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    names.push_back(sub->get_name());
  }
  if (std::find(names.begin(), names.end(), word) != names.end()) {
    return {};
  }
  const std::vector<std::string_view> candidates(names.begin(), names.end());
  const auto hint = linkhook::closest_match(word, candidates);
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
  for (const auto add : k_commands) {
    add(app, exit_code);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) {
      return app.exit(e); // --help, --version
    }
    if (argc == 1) {
      fmt::print(stderr, "{}", app.help());
    } else if (argv[1][0] != '-') {
      if (const auto message = unknown_command(app, argv[1]); !message.empty()) {
        return report(message, static_cast<int>(linkhook::ExitCode::usage));
      }
    }
    return report(e.what(), static_cast<int>(linkhook::ExitCode::usage));
  } catch (const linkhook::Error& e) {
    return report(e.what(), static_cast<int>(e.code()));
  } catch (const std::exception& e) {
    return report(e.what(), static_cast<int>(linkhook::ExitCode::usage));
  }
  return exit_code;
}
