#include "base/error.hpp"
#include "base/terminal.hpp"
#include "cli/man_page.hpp"
#include "commands.hpp"
#include "support/app.hpp"
#include "support/command_model_of.hpp"
#include "support/command_path.hpp"
#include "version.hpp"

#include <memory>
#include <nlohmann/json.hpp>

namespace linkhook::cmd {

namespace {

struct HelpOptions {
  std::vector<std::string> words;
  bool json = false;
  bool man = false;
};

std::string_view kind_name(ValueKind kind) {
  switch (kind) {
  case ValueKind::choice:
    return "choice";
  case ValueKind::file:
    return "file";
  case ValueKind::directory:
    return "directory";
  case ValueKind::command:
    return "command";
  case ValueKind::text:
    break;
  }
  return "text";
}

nlohmann::ordered_json to_json(const ArgumentModel& argument) {
  nlohmann::ordered_json json;
  if (!argument.names.empty()) {
    json["names"] = argument.names;
  }
  json["value"] = argument.value_name;
  json["description"] = argument.description;
  if (!argument.default_value.empty()) {
    json["default"] = argument.default_value;
  }
  json["group"] = argument.group;
  json["values"] = kind_name(argument.kind);
  if (!argument.choices.empty()) {
    json["choices"] = argument.choices;
  }
  json["repeatable"] = argument.repeatable;
  json["required"] = argument.required;
  return json;
}

nlohmann::ordered_json to_json(const CommandModel& command) {
  auto json = nlohmann::ordered_json{{"name", command.name},
                                     {"description", command.description},
                                     {"flags", nlohmann::ordered_json::array()},
                                     {"arguments", nlohmann::ordered_json::array()},
                                     {"commands", nlohmann::ordered_json::array()}};
  for (const auto& flag : command.flags) {
    json["flags"].push_back(to_json(flag));
  }
  for (const auto& positional : command.positionals) {
    json["arguments"].push_back(to_json(positional));
  }
  for (const auto& sub : command.commands) {
    json["commands"].push_back(to_json(sub));
  }
  return json;
}

int run_help(const HelpOptions& options) {
  int unused_exit_code = 0;
  const auto app = make_full_app(unused_exit_code);
  if (options.man) {
    if (!options.words.empty() || options.json) {
      throw Error("--man prints the whole manual: give it alone");
    }
    write_all(stdout, man_page(command_model_of(*app), k_version));
    return 0;
  }
  auto& command = command_at(*app, options.words);
  if (options.json) {
    write_all(stdout, to_json(command_model_of(command)).dump() + "\n");
  } else {
    const auto* parent = command.get_parent();
    write_all(stdout, command.help(parent == nullptr ? "" : command_path(*parent)));
  }
  return 0;
}

} // namespace

void add_help(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<HelpOptions>();
  auto* sub = app.add_subcommand("help", "Show the help of linkhook or of one of its commands");
  sub->add_option("command", options->words, "The command, and its action for store")
      ->type_name("COMMAND");
  sub->add_flag("--json", options->json,
                "Print the command's flags, arguments and subcommands as JSON");
  sub->add_flag("--man", options->man, "Print the manual page linkhook(1), in roff");
  sub->footer("Examples:\n"
              "  linkhook help send\n"
              "  linkhook help store list\n"
              "  linkhook help --man | man -l -");
  sub->callback([options, &exit_code] { exit_code = run_help(*options); });
}

} // namespace linkhook::cmd
