#pragma once

#include <CLI/CLI.hpp>
#include <string_view>

// The commands that talk HTTP live in linkhook-net.so, which the binary loads only when one of
// them is asked for (see commands/CMakeLists.txt for why). This is all the two share.
namespace linkhook::cmd {

struct NetworkCommands {
  std::string_view version; // the module's linkhook version: it must be the binary's own
  void (*add_listen)(CLI::App& app, int& exit_code);
  void (*add_send)(CLI::App& app, int& exit_code);
  void (*add_replay)(CLI::App& app, int& exit_code);
};

// The name of the module's one exported function, which returns its NetworkCommands.
inline constexpr const char* k_network_entry = "linkhook_network_commands";

// The module's commands, loading it on first use from beside the binary, else from where
// `cmake --install` puts it. Throws Error when it is missing or from another version.
const NetworkCommands& network_commands();

} // namespace linkhook::cmd
