#include "support/store_options.hpp"

#include "base/error.hpp"
#include "store/location.hpp"

#include <cerrno>
#include <fmt/format.h>
#include <sys/stat.h>

namespace linkhook::cmd {

CLI::Option* add_store_option(CLI::App& app, std::optional<std::string>& dir) {
  return app
      .add_option("--store", dir,
                  "Event store directory (default: $LINKHOOK_STORE, else "
                  "${XDG_STATE_HOME:-~/.local/state}/linkhook)")
      ->type_name("DIR");
}

std::filesystem::path store_dir(const std::optional<std::string>& dir) {
  auto path = store_location(dir, process_env);
  // A missing store is an empty one, but a file in its place (or on its way) is a mistake:
  // reading it as empty would report "no records" for a store that cannot exist.
  struct stat info {};
  if (::stat(path.c_str(), &info) == 0 ? !S_ISDIR(info.st_mode) : errno == ENOTDIR) {
    throw Error(fmt::format("store {} is not a directory", path.string()));
  }
  return path;
}

StoreWriting open_for_writing(const std::filesystem::path& dir) {
  StoreWriting writing;
  writing.store = std::make_unique<EventStore>(dir);
  writing.writer = std::make_unique<BatchWriter>(*writing.store);
  return writing;
}

void report_damage(const StoreScan& scan, const std::filesystem::path& dir) {
  const auto log = store_log_path(dir).string();
  // What the next writer does with the tail: see EventStore::keep_copy.
  const auto next_write =
      scan.tail == FrameTail::zeros
          ? std::string("the next write removes it")
          : fmt::format("the next write keeps a copy in {} before it reuses the space",
                        damaged_copy_path(dir, scan.tail_offset).string());
  if (scan.torn_tail_bytes > 0) {
    fmt::print(stderr,
               "linkhook: note: skipped {} bytes of an incomplete last record in {} (a write cut "
               "short, most likely never acknowledged; {})\n",
               scan.torn_tail_bytes, log, next_write);
  }
  if (scan.damaged_tail_bytes > 0) {
    fmt::print(stderr,
               "linkhook: warning: the last record in {} is DAMAGED: skipped {} bytes that no "
               "crash leaves, such as a complete record failing its CRC check; it may have been "
               "acknowledged ({})\n",
               log, scan.damaged_tail_bytes, next_write);
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
