#include "base/error.hpp"
#include "base/terminal.hpp"
#include "commands.hpp"
#include "signing/secret.hpp"
#include "support/app.hpp"
#include "support/command_path.hpp"
#include "support/config_file.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <memory>
#include <nlohmann/json.hpp>

namespace linkhook::cmd {

namespace {

struct ConfigShowOptions {
  bool json = false;
};

struct Setting {
  std::string section; // "listen", "store.list"
  std::string key;
  std::string value;
  SettingSource source;
};

// Thrown once a command line to show is parsed and the config file read, before the command's
// callback would run it: its settings are shown, not used. (Replacing the callbacks instead would
// free the options the callbacks own.)
struct Parsed {};

// No flag is required of a command line that is only shown.
void make_flags_optional(CLI::App& command) {
  for (auto* option : command.get_options()) {
    option->required(false);
  }
  for (auto* sub : command.get_subcommands([](CLI::App*) { return true; })) {
    make_flags_optional(*sub);
  }
}

// The value as the command sees it; a secret only by its fingerprint, parsed as the command's
// --scheme (`scheme`, empty when it has none) takes it.
std::string value_of(const CLI::Option& option, const SettingSource& source,
                     const std::string& scheme) {
  std::string value;
  if (source.kind == SettingSource::Kind::env) {
    value = std::getenv(source.where.c_str());
  } else if (option.results().empty()) {
    value = option.get_expected_min() == 0 ? "false" : option.get_default_str();
  } else if (option.get_expected_min() == 0) {
    value = option.results().back().empty() ? "true" : option.results().back();
  } else {
    value = fmt::format("{}", fmt::join(option.results(), ", "));
  }
  if (value.empty()) {
    return "(none)";
  }
  if (option.check_lname("secret")) {
    try {
      return Secret::parse(value, scheme.empty() ? Scheme::standard : parse_scheme(scheme))
          .describe();
    } catch (const Error&) {
      return "(not a valid secret)";
    }
  }
  return value;
}

void collect(CLI::App& command, const ConfigFile& config, std::vector<Setting>& settings) {
  auto section = command_path(command).substr(std::string_view("linkhook ").size());
  std::replace(section.begin(), section.end(), ' ', '.');
  const auto* scheme_option = command.get_option_no_throw("--scheme");
  const auto scheme = scheme_option == nullptr
                          ? std::string()
                          : value_of(*scheme_option, config.source_of(*scheme_option), {});
  for (const auto* option : command.get_options()) {
    if (is_setting(*option)) {
      const auto source = config.source_of(*option);
      settings.push_back(
          {section, option->get_lnames().front(), value_of(*option, source, scheme), source});
    }
  }
  for (auto* sub : command.get_subcommands([](CLI::App*) { return true; })) {
    collect(*sub, config, settings);
  }
}

std::string_view source_kind(const SettingSource& source) {
  switch (source.kind) {
  case SettingSource::Kind::flag:
    return "flag";
  case SettingSource::Kind::env:
    return "env";
  case SettingSource::Kind::file:
    return "file";
  case SettingSource::Kind::fallback:
    break;
  }
  return "default";
}

std::string source_text(const SettingSource& source) {
  return source.where.empty() ? std::string(source_kind(source))
                              : fmt::format("{} {}", source_kind(source), source.where);
}

std::string human(const std::string& file, const std::vector<Setting>& settings) {
  std::string out = fmt::format("# config file: {}{}\n", file.empty() ? "(none)" : file,
                                std::filesystem::exists(file) ? "" : " (not present)");
  std::string section;
  for (const auto& setting : settings) {
    if (setting.section != section) {
      section = setting.section;
      out += fmt::format("\n[{}]\n", section);
    }
    out += fmt::format("{:<36} # {}\n", fmt::format("{} = {}", setting.key, setting.value),
                       source_text(setting.source));
  }
  return out;
}

std::string json(const std::string& file, const std::vector<Setting>& settings) {
  auto list = nlohmann::ordered_json::array();
  for (const auto& setting : settings) {
    nlohmann::ordered_json entry = {{"section", setting.section},
                                    {"key", setting.key},
                                    {"value", setting.value},
                                    {"source", source_kind(setting.source)}};
    if (!setting.source.where.empty()) {
      entry["from"] = setting.source.where;
    }
    list.push_back(std::move(entry));
  }
  return nlohmann::ordered_json{
             {"config_file", file}, {"present", std::filesystem::exists(file)}, {"settings", list}}
             .dump() +
         "\n";
}

// The settings of the command line `words` (every command's when empty), with the file `file`.
int run_show(const ConfigShowOptions& options, const std::string& file,
             const std::vector<std::string>& words) {
  int unused_exit_code = 0;
  auto app = make_full_app(unused_exit_code);
  make_flags_optional(*app);
  auto config = ConfigFile::attach(*app, command_names());
  app->get_config_ptr()->default_str(file);
  CLI::App* shown = app.get();
  if (words.empty()) {
    config->read();
  } else {
    std::vector<std::string> reversed(words.rbegin(), words.rend());
    // The root's parse-complete callback runs before any command's callback.
    app->parse_complete_callback([] { throw Parsed{}; });
    try {
      app->parse(reversed);
    } catch (const Parsed&) {
    }
    while (!shown->get_subcommands().empty()) {
      shown = shown->get_subcommands().front();
    }
  }
  std::vector<Setting> settings;
  if (shown == app.get()) {
    for (auto* command : app->get_subcommands([](CLI::App*) { return true; })) {
      collect(*command, *config, settings);
    }
  } else {
    collect(*shown, *config, settings);
  }
  write_all(stdout, options.json ? json(file, settings) : human(file, settings));
  return 0;
}

} // namespace

void add_config(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ConfigShowOptions>();
  auto* config = app.add_subcommand("config", "Show the settings commands run with");
  config->require_subcommand(1);
  config->footer("Examples:\n"
                 "  linkhook config show\n"
                 "  linkhook config show listen --port 9000");
  auto* show = config->add_subcommand(
      "show", "Print every setting, secrets masked, and where it comes from: a flag, the "
              "environment, the config file or the default");
  show->add_flag("--json", options->json,
                 "Print {\"config_file\", \"present\", \"settings\": [{section, key, value, "
                 "source}]}");
  // What follows the first word that is not show's own flag is a command line to show, kept
  // here rather than passed to linkhook's own parse.
  show->allow_extras();
  show->prefix_command();
  show->fallthrough(false);
  show->footer(
      "After show's own flags, a command line (COMMAND [FLAGS...]) shows the settings that\n"
      "command would run with. --json, wherever it stands, is show's own.\n\n"
      "Examples:\n"
      "  linkhook config show\n"
      "  linkhook config show listen --port 9000\n"
      "  linkhook --config ci.toml config show --json send");
  show->callback([options, show, &app, &exit_code] {
    const auto* given = app.get_config_ptr();
    const auto file = given->count() > 0 ? given->results().front() : default_config_path();
    // --json anywhere is show's own: `config show generate --json` prints JSON, as
    // `config show --json generate` does, rather than showing generate's own --json flag.
    auto words = show->remaining();
    if (const auto json = std::find(words.begin(), words.end(), "--json"); json != words.end()) {
      options->json = true;
      words.erase(json);
    }
    exit_code = run_show(*options, file, words);
  });
}

} // namespace linkhook::cmd
