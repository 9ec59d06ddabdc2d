#pragma once

#include <string_view>

namespace linkhook {

// A file of the repository carried in the binary (see cmake/EmbedFiles.cmake): the fixtures, the
// inspector's page.
struct EmbeddedFile {
  std::string_view name;
  std::string_view text;
};

} // namespace linkhook
