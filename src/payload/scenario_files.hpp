#pragma once

#include "base/embedded_file.hpp"

#include <span>

namespace linkhook {

// The files of fixtures/scenarios/, each named by its scenario (the file name without ".json").
std::span<const EmbeddedFile> embedded_scenarios();

} // namespace linkhook
