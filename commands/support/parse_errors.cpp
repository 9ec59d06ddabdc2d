#include "support/parse_errors.hpp"

#include "base/text.hpp"
#include "commands.hpp"
#include "signing/signature_headers.hpp"
#include "support/app.hpp"
#include "support/command_path.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <optional>

namespace linkhook::cmd {

namespace {

// Values echoed in a message are cut: a value can be a whole file's worth.
constexpr std::size_t k_shown_value = 40;

// The deepest command the parse reached: linkhook, linkhook store, linkhook store list.
CLI::App& parsed_command(CLI::App& app) {
  CLI::App* command = &app;
  while (!command->get_subcommands().empty()) {
    command = command->get_subcommands().front();
  }
  return *command;
}

struct FoundOption {
  const CLI::App* command = nullptr; // the one that has it
  const CLI::Option* option = nullptr;
};

// The option called `name` (--seed, -n, shell) of `command` or of a command above it (flags fall
// through to their parents).
FoundOption find_option(const CLI::App& command, const std::string& name) {
  for (const auto* at = &command; at != nullptr; at = at->get_parent()) {
    if (const auto* option = at->get_option_no_throw(name)) {
      return {at, option};
    }
  }
  return {};
}

std::string option_name(const CLI::Option& option) {
  return option.get_lnames().empty() ? option.get_name() : "--" + option.get_lnames().front();
}

// The option's type as its help shows it, without the validators CLI11 appends ("UINT:POSITIVE",
// "SHELL:{bash,zsh,fish}"); empty for free text.
std::string type_of(const CLI::Option& option) {
  auto type = option.get_type_name();
  type = type.substr(0, type.find(':'));
  return type == "TEXT" ? std::string() : type;
}

// What a value of `option` must look like: "a whole number", "true or false", "a FILE"; empty for
// free text.
std::string expected_value(const CLI::Option& option) {
  if (option.get_expected_min() == 0) {
    return "true or false";
  }
  const auto type = type_of(option);
  const bool whole = type == "INT" || type == "UINT";
  if (whole || type == "FLOAT" || type == "NUMBER") {
    const std::string number = whole ? "a whole number" : "a number";
    // CLI::PositiveNumber shows itself in the type name ("UINT:POSITIVE").
    const bool positive = option.get_type_name().ends_with(":POSITIVE");
    return positive ? number + " above 0" : number;
  }
  return type.empty() ? type : "a " + type;
}

// The words between the braces of CLI11's "pwsh not in {bash,zsh,fish}".
std::vector<std::string> choices_in(const std::string& message) {
  std::vector<std::string> choices;
  const auto open = message.find(" not in {");
  const auto close = message.rfind('}');
  if (open == std::string::npos || close == std::string::npos || close < open) {
    return choices;
  }
  const auto list = message.substr(open + 9, close - open - 9);
  for (std::size_t start = 0; start <= list.size();) {
    const auto comma = std::min(list.find(',', start), list.size());
    choices.push_back(list.substr(start, comma - start));
    start = comma + 1;
  }
  return choices;
}

// "bash, zsh or fish"
std::string one_of(const std::vector<std::string>& words) {
  if (words.size() < 2) {
    return fmt::format("{}", fmt::join(words, ""));
  }
  return fmt::format("{} or {}", fmt::join(words.begin(), words.end() - 1, ", "), words.back());
}

std::string last_value(const CLI::Option& option) {
  return option.results().empty() ? std::string() : option.results().back();
}

// "unknown flag '--coutn' for 'linkhook generate' (did you mean '--count'?)" or "unknown command
// 'gen' (did you mean 'generate'?)", for the first word the parse could not place; none when that
// word is an argument (a command that has no subcommands).
std::optional<std::string> unknown_word(CLI::App& app) {
  const auto words = app.remaining(true);
  if (words.empty()) {
    return std::nullopt;
  }
  auto& command = parsed_command(app);
  const auto path = command_path(command);
  std::vector<std::string> names;
  if (!words.front().starts_with('-')) {
    for (const auto* sub : command.get_subcommands([](CLI::App*) { return true; })) {
      names.push_back(sub->get_name());
    }
    if (&command == &app) {
      names = command_names(); // the app may hold only the command the line named
    }
    if (names.empty()) {
      return std::nullopt;
    }
    const auto label = &command == &app ? std::string() : path.substr(path.find(' ') + 1) + " ";
    return fmt::format("unknown {}command '{}'{}; '{} --help' lists them", label, words.front(),
                       did_you_mean(words.front(), names), path);
  }
  const auto word = words.front().substr(0, words.front().find('='));
  for (const auto* at = &command; at != nullptr; at = at->get_parent()) {
    for (const auto* option : at->get_options()) {
      if (!option->get_group().empty()) {
        for (const auto& name : option->get_lnames()) {
          names.push_back("--" + name);
        }
        for (const auto& name : option->get_snames()) {
          names.push_back("-" + name);
        }
      }
    }
  }
  return fmt::format("unknown flag '{}' for '{}'{}; '{} --help' lists them", word, path,
                     did_you_mean(word, names), path);
}

// "unexpected argument 'x' for 'linkhook events'", for the words a command takes no place for.
std::string unexpected_arguments(CLI::App& app) {
  auto& command = parsed_command(app);
  const auto path = command_path(command);
  std::vector<std::string> quoted;
  for (const auto& word : app.remaining(true)) {
    quoted.push_back(fmt::format("'{}'", shorten(word, k_shown_value)));
  }
  return fmt::format("unexpected argument{} {} for '{}'; '{} --help' shows what it takes",
                     quoted.size() == 1 ? "" : "s", fmt::join(quoted, " "), path, path);
}

// "'linkhook send' needs --url URL", "'linkhook config' needs a command: show".
std::string missing(CLI::App& app, const CLI::RequiredError& error) {
  auto& command = parsed_command(app);
  const auto path = command_path(command);
  std::string message = error.what(); // not const: returned as it is when not recognised
  if (message.starts_with("A subcommand")) {
    if (&command == &app) {
      return "name a command; 'linkhook --help' lists them";
    }
    std::vector<std::string> names;
    for (const auto* sub : command.get_subcommands([](CLI::App*) { return true; })) {
      names.push_back(sub->get_name());
    }
    return fmt::format("'{}' needs a command: {}", path, one_of(names));
  }
  const auto name = message.substr(0, message.find(" is required"));
  const auto* option = find_option(command, name).option;
  if (option == nullptr) {
    return message;
  }
  auto type = type_of(*option);
  if (option->get_lnames().empty()) {
    if (type.empty()) {
      type = option->get_name();
      std::transform(type.begin(), type.end(), type.begin(), ::toupper);
    }
    return fmt::format("'{}' needs its {} argument; '{} --help' shows how", path, type, path);
  }
  return fmt::format("'{}' needs {}{}", path, option_name(*option), type.empty() ? "" : " " + type);
}

// "--count needs a value: a whole number" for a flag given last without its value.
std::string missing_value(CLI::App& app, const CLI::ArgumentMismatch& error) {
  std::string message = error.what(); // not const: returned as it is when not recognised
  const auto* option =
      find_option(parsed_command(app), message.substr(0, message.find(':'))).option;
  if (option == nullptr || message.find(" required ") == std::string::npos) {
    return message;
  }
  const auto expected = expected_value(*option);
  return fmt::format("{} needs a value{}", option_name(*option),
                     expected.empty() ? "" : ": " + expected);
}

// The option a conversion or validation error names: "Could not convert: --seed = abc",
// "shell: pwsh not in {...}", "--pretty: Should be true/false or a number".
FoundOption option_of(const CLI::App& command, const std::string& message) {
  constexpr std::string_view k_convert = "Could not convert: ";
  if (message.starts_with(k_convert)) {
    const auto rest = message.substr(k_convert.size());
    return find_option(command, rest.substr(0, rest.find(" = ")));
  }
  return find_option(command, message.substr(0, message.find(':')));
}

} // namespace

std::string option_error_message(const CLI::App& command, const CLI::Option& option,
                                 const CLI::Error& error) {
  const std::string message = error.what();
  const auto value = shorten(last_value(option), k_shown_value);
  if (const auto choices = choices_in(message); !choices.empty()) {
    const auto label = option.get_lnames().empty() ? option.get_name() : option_name(option);
    return fmt::format("unknown {} '{}' for '{}' (choose {})", label, value, command_path(command),
                       one_of(choices));
  }
  const auto expected = expected_value(option);
  if (expected.empty()) {
    return fmt::format("{} does not take '{}'", option_name(option), value);
  }
  return fmt::format("{} expects {}, got '{}'", option_name(option), expected, value);
}

std::string parse_error_message(CLI::App& app, const CLI::ParseError& error) {
  if (const auto word = unknown_word(app)) {
    return *word;
  }
  if (dynamic_cast<const CLI::ExtrasError*>(&error) != nullptr) {
    return unexpected_arguments(app);
  }
  if (const auto* required = dynamic_cast<const CLI::RequiredError*>(&error)) {
    return missing(app, *required);
  }
  if (const auto* mismatch = dynamic_cast<const CLI::ArgumentMismatch*>(&error)) {
    return missing_value(app, *mismatch);
  }
  const bool about_a_value = dynamic_cast<const CLI::ConversionError*>(&error) != nullptr ||
                             dynamic_cast<const CLI::ValidationError*>(&error) != nullptr;
  if (about_a_value) {
    if (const auto found = option_of(parsed_command(app), error.what()); found.option) {
      return option_error_message(*found.command, *found.option, error);
    }
  }
  return error.what();
}

} // namespace linkhook::cmd
