#pragma once

#include "cli/command_model.hpp"

#include <string>
#include <string_view>

namespace linkhook {

// linkhook(1) in roff (man macros), from the model of the command line: the root's description
// and notes (exit status, environment, configuration), then every command with its flags by
// group and its examples.
std::string man_page(const CommandModel& root, std::string_view version);

} // namespace linkhook
