#pragma once

#include "base/embedded_file.hpp"

#include <span>

namespace linkhook {

// The files of fixtures/, each named by its event (the file name without ".json").
std::span<const EmbeddedFile> embedded_fixtures();

} // namespace linkhook
