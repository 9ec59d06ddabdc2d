#include "cli/command_model.hpp"

namespace linkhook {

std::vector<std::string> command_names(const CommandModel& command) {
  std::vector<std::string> names;
  for (const auto& sub : command.commands) {
    names.push_back(sub.name);
  }
  return names;
}

} // namespace linkhook
