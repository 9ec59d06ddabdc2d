#pragma once

#include "cli/command_model.hpp"

#include <CLI/CLI.hpp>

namespace linkhook::cmd {

// The model of `app` and its subcommands, read from their CLI11 definitions. Hidden options (no
// group) are left out. What values an option completes with comes from its type name: EVENT (the
// 13 event names), SCHEME, COMMAND (linkhook's commands), FILE, DIR, or a CLI::IsMember check.
CommandModel command_model_of(CLI::App& app);

} // namespace linkhook::cmd
