#include "store/location.hpp"

#include "base/error.hpp"

#include <cstdlib>

namespace linkhook {

namespace {

std::optional<std::string> non_empty(const EnvLookup& env, std::string_view name) {
  auto value = env(name);
  return value && !value->empty() ? value : std::nullopt;
}

} // namespace

std::optional<std::string> process_env(std::string_view name) {
  const char* value = std::getenv(std::string(name).c_str());
  return value != nullptr ? std::optional<std::string>(value) : std::nullopt;
}

std::filesystem::path store_location(const std::optional<std::string>& flag, const EnvLookup& env) {
  if (flag) {
    if (flag->empty()) {
      throw Error("--store needs a directory");
    }
    return *flag;
  }
  if (auto dir = non_empty(env, k_store_env)) {
    return *dir;
  }
  if (auto state = non_empty(env, "XDG_STATE_HOME"); state && state->starts_with('/')) {
    return std::filesystem::path(*state) / "linkhook";
  }
  if (auto home = non_empty(env, "HOME")) {
    return std::filesystem::path(*home) / ".local" / "state" / "linkhook";
  }
  throw Error("no place for the event store: HOME is not set; give --store DIR or set "
              "LINKHOOK_STORE");
}

} // namespace linkhook
