#include "network_module.hpp"

#include "error.hpp"
#include "version.hpp"

#include <dlfcn.h>
#include <filesystem>
#include <fmt/format.h>
#include <string>
#include <vector>

namespace linkhook::cmd {

namespace {

constexpr const char* k_module_file = "linkhook-net.so";

// Beside the binary (the build tree, or an unpacked archive), then the installed layout.
std::vector<std::filesystem::path> module_candidates() {
  std::error_code error;
  const auto binary = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) {
    throw Error("cannot locate the linkhook binary to find its network module: " + error.message(),
                ExitCode::failed);
  }
  const auto dir = binary.parent_path();
  return {dir / k_module_file, (dir / LINKHOOK_MODULE_FROM_BIN / k_module_file).lexically_normal()};
}

const NetworkCommands* load() {
  const auto candidates = module_candidates();
  for (const auto& path : candidates) {
    if (!std::filesystem::exists(path)) {
      continue;
    }
    // Never closed: the commands' callbacks and option storage live in the module.
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      throw Error(fmt::format("cannot load {}: {}", path.string(), dlerror()), ExitCode::failed);
    }
    using Entry = const NetworkCommands* (*)();
    const auto entry = reinterpret_cast<Entry>(dlsym(handle, k_network_entry));
    const auto* commands = entry != nullptr ? entry() : nullptr;
    if (commands == nullptr || commands->version != k_version) {
      throw Error(fmt::format("{} is not the network module of linkhook {}; reinstall linkhook",
                              path.string(), k_version),
                  ExitCode::failed);
    }
    return commands;
  }
  throw Error(fmt::format("linkhook's network module is missing (looked for {} and {}); "
                          "reinstall linkhook",
                          candidates[0].string(), candidates[1].string()),
              ExitCode::failed);
}

} // namespace

const NetworkCommands& network_commands() {
  static const NetworkCommands* const commands = load();
  return *commands;
}

} // namespace linkhook::cmd
