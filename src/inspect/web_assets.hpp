#pragma once

#include "base/embedded_file.hpp"

#include <span>

namespace linkhook {

// The inspector's page: the files of src/inspect/web/, named as they are there ("index.html").
std::span<const EmbeddedFile> web_assets();

} // namespace linkhook
