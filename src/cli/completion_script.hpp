#pragma once

#include "cli/command_model.hpp"

#include <string>

// Shell completion scripts for linkhook, generated from the model of its command line: the
// subcommands, their flags, and the values a flag or argument takes (the event names, the
// schemes, files). completions/ holds the generated copies that packages install.
namespace linkhook {

std::string bash_completion(const CommandModel& root);
std::string zsh_completion(const CommandModel& root);
std::string fish_completion(const CommandModel& root);

} // namespace linkhook
