#include "crc32.hpp"

#include <array>

namespace linkhook {

namespace {

constexpr std::array<std::uint32_t, 256> make_table() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int bit = 0; bit < 8; ++bit) {
      c = (c & 1) != 0 ? 0xedb88320U ^ (c >> 1) : c >> 1;
    }
    table[i] = c;
  }
  return table;
}

constexpr auto k_table = make_table();

} // namespace

std::uint32_t crc32(std::string_view data, std::uint32_t crc) {
  crc = ~crc;
  for (const char ch : data) {
    crc = k_table[(crc ^ static_cast<unsigned char>(ch)) & 0xffU] ^ (crc >> 8);
  }
  return ~crc;
}

} // namespace linkhook
