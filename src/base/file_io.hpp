#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace linkhook {

// The most linkhook reads into memory from one file of the user's, so that a wrong file (or
// /dev/zero) ends in one line naming the cap instead of exhausting memory.
struct ReadLimit {
  std::size_t bytes;
  std::string_view shown; // the cap as the message names it: "64 MiB"
  std::string_view what;  // what the file holds: "a body"
};

inline constexpr std::size_t k_kib = 1024;
inline constexpr std::size_t k_mib = 1024 * k_kib;
// A body to sign, verify or send: far above any webhook payload (the listener takes 1 MiB).
inline constexpr ReadLimit k_body_limit{64 * k_mib, "64 MiB", "a body"};
// A secret: keys are tens of bytes.
inline constexpr ReadLimit k_secret_limit{4 * k_kib, "4 KiB", "a secret"};
// A header file (verify --header-file) or a config file.
inline constexpr ReadLimit k_text_limit{1 * k_mib, "1 MiB", "a header or config file"};
// `store import`: NDJSON records, many bodies in one file.
inline constexpr ReadLimit k_import_limit{256 * k_mib, "256 MiB", "an import"};

// The exact bytes of the file at `path`, or of standard input when `path` is "-". Throws Error
// (usage) naming the path when it cannot be read, or when it holds more than `limit`.
std::string read_input(const std::string& path, const ReadLimit& limit);

} // namespace linkhook
