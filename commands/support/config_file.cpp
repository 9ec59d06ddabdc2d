#include "support/config_file.hpp"

#include "base/error.hpp"
#include "base/file_io.hpp"
#include "base/text.hpp"
#include "store/location.hpp"
#include "support/parse_errors.hpp"
#include "support/signature_options.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sstream>

namespace linkhook::cmd {

namespace {

// Flags that are one setting between them, and the variable that stands in for them: when one
// of the flags is given, or the variable is set, the file sets none of them.
struct StandIn {
  std::vector<std::string_view> flags;
  std::string_view env;
};

const std::vector<StandIn>& stand_ins() {
  static const std::vector<StandIn> k_stand_ins = {{{"secret", "secret-file"}, k_secret_env},
                                                   {{"store"}, k_store_env}};
  return k_stand_ins;
}

const StandIn* stand_in_of(const CLI::Option& option) {
  for (const auto& stand_in : stand_ins()) {
    for (const auto& flag : stand_in.flags) {
      if (option.check_lname(std::string(flag))) {
        return &stand_in;
      }
    }
  }
  return nullptr;
}

bool env_set(std::string_view name) {
  const char* value = std::getenv(std::string(name).c_str());
  return value != nullptr && *value != '\0';
}

// The subcommand of `app` named `name`, whether or not it was parsed.
CLI::App* subcommand(CLI::App& app, const std::string& name) {
  const auto subs = app.get_subcommands([&name](CLI::App* sub) { return sub->get_name() == name; });
  return subs.empty() ? nullptr : subs.front();
}

// The settings called `name` of `command`, else of its subcommands: [store] store = DIR sets
// --store of every store action.
void settings_named(CLI::App& command, const std::string& name,
                    std::vector<std::pair<CLI::App*, CLI::Option*>>& out) {
  auto* option = command.get_option_no_throw("--" + name);
  if (option != nullptr && is_setting(*option)) {
    out.emplace_back(&command, option);
    return;
  }
  for (auto* sub : command.get_subcommands([](CLI::App*) { return true; })) {
    settings_named(*sub, name, out);
  }
}

void setting_names(CLI::App& command, std::vector<std::string>& out) {
  for (const auto* option : command.get_options()) {
    if (is_setting(*option)) {
      out.push_back(option->get_lnames().front());
    }
  }
  for (auto* sub : command.get_subcommands([](CLI::App*) { return true; })) {
    setting_names(*sub, out);
  }
}

// A help flag on the command line: help needs no settings, and a broken file must not hide it.
bool help_asked(CLI::App& app) {
  if (const auto* help = app.get_help_ptr(); help != nullptr && help->count() > 0) {
    return true;
  }
  const auto parsed = app.get_subcommands();
  return std::any_of(parsed.begin(), parsed.end(), [](CLI::App* sub) { return help_asked(*sub); });
}

// The config file's text; throws Error (usage) naming it and why it cannot be read.
std::string read_config_text(const std::string& file) {
  if (std::filesystem::is_directory(file)) {
    throw Error(fmt::format("config file: '{}' is a directory, not a file", file));
  }
  try {
    return read_input(file, k_text_limit);
  } catch (const Error& e) {
    throw Error(fmt::format("config file: {}", e.what()));
  }
}

} // namespace

ConfigFile::ConfigFile(CLI::App& root, std::vector<std::string> commands)
    : m_root(root), m_commands(std::move(commands)) {}

std::shared_ptr<ConfigFile> ConfigFile::attach(CLI::App& root, std::vector<std::string> commands) {
  std::shared_ptr<ConfigFile> config(new ConfigFile(root, std::move(commands)));
  root.config_formatter(config);
  // CLI11 silently skips a default file that is a directory or unreadable. The option's callback
  // runs once CLI11 has read (or skipped) the file, before any command runs; forced, it runs for
  // the default file too. The root owns the formatter, so `config` outlives the callback.
  root.get_config_ptr()
      ->default_str(default_config_path())
      ->force_callback()
      ->each([raw = config.get()](const std::string& file) { raw->check_read(file); });
  return config;
}

void ConfigFile::check_read(const std::string& file) const {
  if (m_read || file.empty() || help_asked(m_root)) {
    return;
  }
  if (!std::filesystem::exists(file)) {
    if (file != m_root.get_config_ptr()->get_default_str()) {
      throw Error(fmt::format("config file: '{}' does not exist", file));
    }
    return; // no default file: nothing to read
  }
  read_file(file); // throws, naming why CLI11 could not read it
}

void ConfigFile::read_file(const std::string& file) const {
  std::istringstream text(read_config_text(file));
  m_read = true;
  for (const auto& item : ConfigBase::from_config(text)) {
    if (item.name != "++" && item.name != "--") { // CLI11's marks of a section's start and end
      apply(item, file);
    }
  }
}

std::string ConfigFile::path() const {
  const auto* option = m_root.get_config_ptr();
  return option->count() > 0 ? option->results().front() : option->get_default_str();
}

void ConfigFile::read() {
  const auto file = path();
  if (!file.empty() && std::filesystem::exists(file)) {
    read_file(file);
  }
}

std::vector<CLI::ConfigItem> ConfigFile::from_config(std::istream& /*input*/) const {
  // The file is read again by path rather than from CLI11's stream, so that its size is capped.
  if (!help_asked(m_root)) {
    read_file(path());
  }
  return {};
}

void ConfigFile::apply(const CLI::ConfigItem& item, const std::string& file) const {
  if (item.parents.empty()) {
    throw Error(fmt::format("{}: {}: settings go in the section of their command, like [listen]",
                            file, item.name));
  }
  const auto section = fmt::format("[{}]", fmt::join(item.parents, "."));
  CLI::App* command = &m_root;
  for (const auto& name : item.parents) {
    auto* sub = subcommand(*command, name);
    if (sub == nullptr) {
      const bool elsewhere = command == &m_root && std::find(m_commands.begin(), m_commands.end(),
                                                             name) != m_commands.end();
      if (elsewhere) {
        return; // a command that is not running
      }
      std::vector<std::string> names;
      for (auto* candidate : command->get_subcommands([](CLI::App*) { return true; })) {
        names.push_back(candidate->get_name());
      }
      throw Error(fmt::format("{}: {}: '{}' is not a command{}", file, section, name,
                              did_you_mean(name, command == &m_root ? m_commands : names)));
    }
    command = sub;
  }
  std::vector<std::pair<CLI::App*, CLI::Option*>> options;
  settings_named(*command, item.name, options);
  if (options.empty()) {
    std::vector<std::string> keys;
    setting_names(*command, keys);
    throw Error(fmt::format("{}: {} {}: 'linkhook {}' has no setting '{}'{}", file, section,
                            item.name, fmt::join(item.parents, " "), item.name,
                            did_you_mean(item.name, keys)));
  }
  for (auto [owner, option] : options) {
    set(*owner, *option, item, file, section);
  }
}

void ConfigFile::set(CLI::App& command, CLI::Option& option, const CLI::ConfigItem& item,
                     const std::string& file, const std::string& section) const {
  const auto depth = item.parents.size();
  if (const auto set_by = m_depths.find(&option); set_by != m_depths.end()) {
    if (set_by->second > depth) {
      return; // a nearer section of the file set it: [store.list] over [store]
    }
    option.clear();
  } else if (option.count() > 0) {
    return; // a flag gave it
  }
  if (const auto* stand_in = stand_in_of(option)) {
    for (const auto& flag : stand_in->flags) {
      const auto* sibling = command.get_option_no_throw("--" + std::string(flag));
      if (sibling != nullptr && sibling->count() > 0 && !m_depths.contains(sibling)) {
        return; // another flag of the same setting gave it
      }
    }
    if (env_set(stand_in->env)) {
      return;
    }
  }
  try {
    if (option.get_expected_min() == 0) {
      option.add_result(option.get_flag_value(item.name, to_flag(item)));
    } else {
      option.add_result(item.inputs);
    }
    option.run_callback();
  } catch (const CLI::Error& e) {
    throw Error(fmt::format("{}: {} {}: {}", file, section, item.name,
                            option_error_message(command, option, e)));
  }
  m_sources[&option] = {SettingSource::Kind::file, file};
  m_depths[&option] = depth;
}

SettingSource ConfigFile::source_of(const CLI::Option& option) const {
  if (const auto found = m_sources.find(&option); found != m_sources.end()) {
    return found->second;
  }
  if (option.count() > 0) {
    return {SettingSource::Kind::flag, {}};
  }
  // The variable gives the value of the first flag: LINKHOOK_SECRET is a secret, not a file.
  if (const auto* stand_in = stand_in_of(option);
      stand_in != nullptr && option.check_lname(std::string(stand_in->flags.front())) &&
      env_set(stand_in->env)) {
    return {SettingSource::Kind::env, std::string(stand_in->env)};
  }
  return {};
}

std::string default_config_path() {
  if (std::filesystem::exists("linkhook.toml")) {
    return "./linkhook.toml";
  }
  // As the XDG base directory spec asks, a relative XDG_CONFIG_HOME is ignored.
  const char* config_home = std::getenv("XDG_CONFIG_HOME");
  if (config_home != nullptr && config_home[0] == '/') {
    return fmt::format("{}/linkhook/config.toml", config_home);
  }
  const char* home = std::getenv("HOME");
  return home != nullptr && *home != '\0' ? fmt::format("{}/.config/linkhook/config.toml", home)
                                          : "";
}

bool is_setting(const CLI::Option& option) {
  return !option.get_lnames().empty() && !option.get_group().empty() && option.get_configurable() &&
         !option.check_lname("help") && !option.check_lname("version");
}

bool has_settings(CLI::App& command) {
  const auto options = command.get_options();
  if (std::any_of(options.begin(), options.end(),
                  [](const CLI::Option* option) { return is_setting(*option); })) {
    return true;
  }
  const auto subs = command.get_subcommands([](CLI::App*) { return true; });
  return std::any_of(subs.begin(), subs.end(), [](CLI::App* sub) { return has_settings(*sub); });
}

} // namespace linkhook::cmd
