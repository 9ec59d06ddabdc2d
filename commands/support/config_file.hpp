#pragma once

#include <CLI/CLI.hpp>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

// linkhook's configuration file. Sections name commands ([listen], [store.list]); their keys are
// the command's long flags without the dashes (port = 8080, no-store = true, events = ["link.*"]).
// A key of a command with actions sets the flag of every action that has it ([store] store = DIR);
// a nearer section wins ([store.list] over [store]).
// A flag on the command line wins; then the environment variable that stands in for it
// ($LINKHOOK_SECRET for --secret and --secret-file, $LINKHOOK_STORE for --store); then the file;
// then the flag's default.
namespace linkhook::cmd {

// Where a setting's value came from.
struct SettingSource {
  enum class Kind { flag, env, file, fallback }; // fallback: the flag's default
  Kind kind = Kind::fallback;
  std::string where; // the variable (env) or the file's path (file)
};

// Reads the file into the options of a command line when CLI11 parses it: CLI11 hands the file to
// from_config once the flags are parsed and before any command runs, so that the file fills only
// what no flag gave.
class ConfigFile final : public CLI::ConfigBase {
public:
  // Makes `root` (whose --config option make_app added) read --config FILE, else the default
  // file, when it parses. `commands`: the names of all of linkhook's commands, also those not
  // added to `root`, whose sections are then skipped rather than refused.
  static std::shared_ptr<ConfigFile> attach(CLI::App& root, std::vector<std::string> commands);

  // Applies the file's settings to the options no flag set, and leaves nothing for CLI11 to
  // apply. Throws Error (usage), one line naming the file and the key, for a section that is no
  // command, a key that is no setting of it, or a value it does not take; or naming the file
  // and why, for one that cannot be read or is over k_text_limit.
  std::vector<CLI::ConfigItem> from_config(std::istream& input) const override;

  // Reads the file now, if it exists (as parsing would).
  void read();

  // The file that is read: --config FILE, else the default.
  std::string path() const;

  SettingSource source_of(const CLI::Option& option) const;

private:
  ConfigFile(CLI::App& root, std::vector<std::string> commands);

  void read_file(const std::string& file) const;
  // Run once CLI11 has read the file or skipped it: throws Error (usage) for a file that was
  // given but does not exist, or that exists and was not read (a directory, no permission).
  void check_read(const std::string& file) const;
  void apply(const CLI::ConfigItem& item, const std::string& path) const;
  // Sets `option` of `command` from the file, unless a flag, the environment or a nearer section
  // set it.
  void set(CLI::App& command, CLI::Option& option, const CLI::ConfigItem& item,
           const std::string& path, const std::string& section) const;

  CLI::App& m_root;
  std::vector<std::string> m_commands;
  // Filled by from_config, which CLI11's interface declares const: what the file set, and the
  // depth of the section that set it.
  mutable std::map<const CLI::Option*, SettingSource> m_sources;
  mutable std::map<const CLI::Option*, std::size_t> m_depths;
  mutable bool m_read = false;
};

// ./linkhook.toml when it exists, else ${XDG_CONFIG_HOME:-~/.config}/linkhook/config.toml (which
// may not); empty when neither HOME nor XDG_CONFIG_HOME says where that is.
std::string default_config_path();

// Whether a config file can set `option`: a long flag, shown in help, and not --help, --config or
// --version.
bool is_setting(const CLI::Option& option);

// Whether `command` or one of its subcommands has a setting.
bool has_settings(CLI::App& command);

} // namespace linkhook::cmd
