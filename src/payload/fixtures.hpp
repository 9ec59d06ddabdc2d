#pragma once

#include <span>
#include <string_view>

namespace linkhook {

// One file of fixtures/, carried in the binary (see cmake/EmbedFixtures.cmake).
struct EmbeddedFixture {
  std::string_view name; // the file name without ".json": the event name
  std::string_view text;
};

std::span<const EmbeddedFixture> embedded_fixtures();

} // namespace linkhook
