#include "base/file_io.hpp"

#include "base/error.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fmt/format.h>
#include <memory>

namespace linkhook {

namespace {

struct FileClose {
  // The file was only read: closing it cannot lose anything.
  void operator()(std::FILE* file) const { static_cast<void>(std::fclose(file)); }
};

std::string read_all(std::FILE* stream, std::string_view name, const ReadLimit& limit) {
  std::string out;
  char buffer[65536];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, stream)) > 0) {
    out.append(buffer, n);
    if (out.size() > limit.bytes) {
      throw Error(fmt::format("{} holds more than {}, the most linkhook reads for {}", name,
                              limit.shown, limit.what));
    }
  }
  if (std::ferror(stream) != 0) {
    throw Error(fmt::format("cannot read {}: {}", name, std::strerror(errno)));
  }
  return out;
}

} // namespace

std::string read_input(const std::string& path, const ReadLimit& limit) {
  if (path == "-") {
    return read_all(stdin, "standard input", limit);
  }
  const std::unique_ptr<std::FILE, FileClose> file(std::fopen(path.c_str(), "rb"));
  if (!file) {
    throw Error(fmt::format("cannot read '{}': {}", path, std::strerror(errno)));
  }
  return read_all(file.get(), fmt::format("'{}'", path), limit);
}

} // namespace linkhook
