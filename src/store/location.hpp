#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace linkhook {

// The variable that names the store directory.
inline constexpr std::string_view k_store_env = "LINKHOOK_STORE";

// Looks up an environment variable; nullopt when it is not set.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

// The process environment, as an EnvLookup.
std::optional<std::string> process_env(std::string_view name);

// The store directory: `flag` (--store DIR), else $LINKHOOK_STORE, else
// ${XDG_STATE_HOME:-$HOME/.local/state}/linkhook. Empty variables count as unset and a
// relative XDG_STATE_HOME is ignored, as the XDG base directory spec asks. Throws Error when
// --store is empty or when nothing gives a place (no HOME).
std::filesystem::path store_location(const std::optional<std::string>& flag, const EnvLookup& env);

} // namespace linkhook
