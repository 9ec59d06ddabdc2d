#pragma once

#include <string>
#include <vector>

// A description of linkhook's command line, read from the command definitions themselves
// (commands/command_model_of.cpp): the completion scripts, the man page and `help --json` are
// generated from it, so they cannot drift from what the parser accepts.
namespace linkhook {

// What a value is, for completion: a word of `choices`, a file, a directory, a command of linkhook,
// or free text.
enum class ValueKind { text, choice, file, directory, command };

// A flag (names like "-n", "--count") or a positional argument (no names).
struct ArgumentModel {
  std::vector<std::string> names;
  std::string value_name; // "N", "FILE"; empty for a flag that takes no value; a positional's name
  std::string description;
  std::string default_value; // empty when there is none
  std::string group;         // the heading the help lists it under
  ValueKind kind = ValueKind::text;
  std::vector<std::string> choices;
  bool repeatable = false;
  bool required = false;

  bool takes_value() const { return !value_name.empty(); }
};

struct CommandModel {
  std::string name;
  std::string description;
  std::string footer; // examples and notes; lines indented by two spaces are commands
  std::vector<ArgumentModel> flags;
  std::vector<ArgumentModel> positionals;
  std::vector<CommandModel> commands;
};

// The names of `command`'s subcommands, in order.
std::vector<std::string> command_names(const CommandModel& command);

} // namespace linkhook
