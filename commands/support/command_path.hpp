#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace linkhook::cmd {

// The command that `words` name under `root` ({"store", "list"}: linkhook store list), whether
// parsed or not. Throws Error (usage) for a word that names none, suggesting the closest.
CLI::App& command_at(CLI::App& root, const std::vector<std::string>& words);

// "linkhook store list" for that command.
std::string command_path(const CLI::App& command);

} // namespace linkhook::cmd
