#include "store_options.hpp"

#include "store_location.hpp"

#include <fmt/format.h>

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

void report_damage(const StoreScan& scan, const std::filesystem::path& dir) {
  const auto log = store_log_path(dir).string();
  if (scan.torn_tail_bytes > 0) {
    fmt::print(stderr,
               "linkhook: note: skipped {} bytes of an incomplete last record in {} (a write cut "
               "short; never acknowledged, and the next write removes it)\n",
               scan.torn_tail_bytes, log);
  }
  if (scan.corrupt_bytes > 0) {
    fmt::print(stderr, "linkhook: warning: skipped {} damaged bytes in {}\n", scan.corrupt_bytes,
               log);
  }
  if (scan.skipped_records > 0) {
    fmt::print(stderr,
               "linkhook: warning: skipped {} records of a newer format in {}; upgrade linkhook "
               "to read them\n",
               scan.skipped_records, log);
  }
}

} // namespace linkhook::cmd
