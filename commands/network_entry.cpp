#include "commands.hpp"
#include "network_module.hpp"
#include "version.hpp"

// The module is built with hidden visibility: this is the one symbol the binary looks up.
extern "C" __attribute__((visibility("default"))) const linkhook::cmd::NetworkCommands*
linkhook_network_commands() {
  static constexpr linkhook::cmd::NetworkCommands k_commands{
      linkhook::k_version, linkhook::cmd::add_listen, linkhook::cmd::add_send,
      linkhook::cmd::add_replay};
  return &k_commands;
}
