#include "support/command_path.hpp"

#include "base/error.hpp"
#include "base/text.hpp"

#include <fmt/format.h>

namespace linkhook::cmd {

CLI::App& command_at(CLI::App& root, const std::vector<std::string>& words) {
  CLI::App* command = &root;
  for (const auto& word : words) {
    const auto subs = command->get_subcommands([](CLI::App*) { return true; });
    std::vector<std::string_view> names;
    CLI::App* found = nullptr;
    for (auto* sub : subs) {
      names.emplace_back(sub->get_name());
      if (sub->get_name() == word) {
        found = sub;
      }
    }
    if (found == nullptr) {
      throw Error(fmt::format("unknown command '{}'{}; '{} --help' lists them",
                              command == &root ? word : command_path(*command) + " " + word,
                              did_you_mean(word, names), command_path(*command)));
    }
    command = found;
  }
  return *command;
}

std::string command_path(const CLI::App& command) {
  const auto* parent = command.get_parent();
  return parent == nullptr ? command.get_name() : command_path(*parent) + " " + command.get_name();
}

} // namespace linkhook::cmd
