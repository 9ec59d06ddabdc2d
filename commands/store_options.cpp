#include "store_options.hpp"

#include "store_location.hpp"

namespace linkhook::cmd {

CLI::Option* add_store_option(CLI::App& app, std::optional<std::string>& dir) {
  return app
      .add_option("--store", dir,
                  "Event store directory (default: $LINKHOOK_STORE, else "
                  "${XDG_STATE_HOME:-~/.local/state}/linkhook)")
      ->type_name("DIR");
}

std::filesystem::path store_dir(const std::optional<std::string>& dir) {
  return store_location(dir, process_env);
}

} // namespace linkhook::cmd
