#pragma once

#include <string>
#include <string_view>

namespace linkhook {

// The exact bytes of the file at `path`, or of standard input when `path` is "-". Throws Error
// (usage) naming the path when it cannot be read.
std::string read_input(const std::string& path);

} // namespace linkhook
