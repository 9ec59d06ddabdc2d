#include "support/command_model_of.hpp"

#include "payload/events.hpp"
#include "signing/scheme.hpp"

namespace linkhook::cmd {

namespace {

// The words of a CLI::IsMember check as its description shows them: "TEXT:{a,b,c}".
std::vector<std::string> member_words(const std::string& type_name) {
  const auto open = type_name.find(":{");
  const auto close = type_name.rfind('}');
  std::vector<std::string> words;
  if (open == std::string::npos || close == std::string::npos || close < open) {
    return words;
  }
  std::string_view rest(type_name.data() + open + 2, close - open - 2);
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    words.emplace_back(rest.substr(0, comma));
    rest.remove_prefix(comma == std::string_view::npos ? rest.size() : comma + 1);
  }
  return words;
}

void set_values(const CLI::Option& option, ArgumentModel& argument) {
  const auto type_name = option.get_type_name();
  argument.value_name = type_name.substr(0, type_name.find(':'));
  if (argument.value_name == "EVENT") {
    argument.kind = ValueKind::choice;
    for (const auto& event : events()) {
      argument.choices.emplace_back(event.name);
    }
  } else if (argument.value_name == "SCHEME") {
    argument.kind = ValueKind::choice;
    for (const auto scheme : all_schemes()) {
      argument.choices.emplace_back(scheme_name(scheme));
    }
  } else if (argument.value_name == "COMMAND") {
    argument.kind = ValueKind::command;
  } else if (argument.value_name == "FILE") {
    argument.kind = ValueKind::file;
  } else if (argument.value_name == "DIR") {
    argument.kind = ValueKind::directory;
  } else if (auto words = member_words(type_name); !words.empty()) {
    argument.kind = ValueKind::choice;
    argument.choices = std::move(words);
  }
}

ArgumentModel argument_of(const CLI::Option& option) {
  ArgumentModel argument;
  argument.description = option.get_description();
  argument.default_value = option.get_default_str();
  argument.group = option.get_group();
  argument.required = option.get_required();
  argument.repeatable = option.get_items_expected_max() > 1 ||
                        option.get_multi_option_policy() == CLI::MultiOptionPolicy::TakeAll;
  if (option.get_positional() && !option.nonpositional()) {
    set_values(option, argument);
    argument.value_name = option.get_name();
    return argument;
  }
  for (const auto& name : option.get_snames()) {
    argument.names.push_back("-" + name);
  }
  for (const auto& name : option.get_lnames()) {
    argument.names.push_back("--" + name);
  }
  if (option.get_expected_min() > 0) {
    set_values(option, argument);
  }
  return argument;
}

} // namespace

CommandModel command_model_of(CLI::App& app) {
  CommandModel command;
  command.name = app.get_name();
  command.description = app.get_description();
  command.footer = app.get_footer();
  for (const auto* option : app.get_options()) {
    if (option->get_group().empty()) {
      continue;
    }
    auto argument = argument_of(*option);
    (argument.names.empty() ? command.positionals : command.flags).push_back(std::move(argument));
  }
  // With a filter, get_subcommands lists every subcommand defined, not only those parsed.
  for (auto* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    command.commands.push_back(command_model_of(*sub));
  }
  return command;
}

} // namespace linkhook::cmd
