#include "base/terminal.hpp"

#include "base/error.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fmt/format.h>
#include <unistd.h>

namespace linkhook {

bool color_enabled(std::FILE* stream) {
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0') {
    return false;
  }
  return isatty(fileno(stream)) == 1;
}

std::string paint(std::string_view text, Color color, bool enabled) {
  if (!enabled) {
    return std::string(text);
  }
  constexpr std::string_view k_codes[] = {"1", "2", "31", "32", "33", "36"};
  return fmt::format("\x1b[{}m{}\x1b[0m", k_codes[static_cast<int>(color)], text);
}

void write_all(std::FILE* stream, std::string_view text) {
  if (std::fwrite(text.data(), 1, text.size(), stream) != text.size()) {
    throw Error(fmt::format("cannot write output: {}", std::strerror(errno)), ExitCode::failed);
  }
}

void write_now(std::FILE* stream, std::string_view text) {
  write_all(stream, text);
  if (std::fflush(stream) != 0) {
    throw Error(fmt::format("cannot write output: {}", std::strerror(errno)), ExitCode::failed);
  }
}

} // namespace linkhook
