#include "base/crc32.hpp"

#include <array>

namespace linkhook {

namespace {

// Slicing-by-8: table[0] is the classic byte-at-a-time table; table[k][b] advances b by k more
// zero bytes, so that eight bytes take eight independent look-ups instead of a chain of eight.
using Tables = std::array<std::array<std::uint32_t, 256>, 8>;

constexpr Tables make_tables() {
  Tables tables{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int bit = 0; bit < 8; ++bit) {
      c = (c & 1) != 0 ? 0xedb88320U ^ (c >> 1) : c >> 1;
    }
    tables[0][i] = c;
  }
  for (std::size_t k = 1; k < 8; ++k) {
    for (std::size_t i = 0; i < 256; ++i) {
      const auto previous = tables[k - 1][i];
      tables[k][i] = tables[0][previous & 0xffU] ^ (previous >> 8);
    }
  }
  return tables;
}

constexpr auto k_tables = make_tables();

std::uint32_t byte_at(std::string_view data, std::size_t i) {
  return static_cast<unsigned char>(data[i]);
}

} // namespace

std::uint32_t crc32(std::string_view data, std::uint32_t crc) {
  crc = ~crc;
  std::size_t i = 0;
  for (; i + 8 <= data.size(); i += 8) {
    const std::uint32_t low = crc ^ (byte_at(data, i) | byte_at(data, i + 1) << 8 |
                                     byte_at(data, i + 2) << 16 | byte_at(data, i + 3) << 24);
    crc = k_tables[7][low & 0xffU] ^ k_tables[6][(low >> 8) & 0xffU] ^
          k_tables[5][(low >> 16) & 0xffU] ^ k_tables[4][low >> 24] ^
          k_tables[3][byte_at(data, i + 4)] ^ k_tables[2][byte_at(data, i + 5)] ^
          k_tables[1][byte_at(data, i + 6)] ^ k_tables[0][byte_at(data, i + 7)];
  }
  for (; i < data.size(); ++i) {
    crc = k_tables[0][(crc ^ byte_at(data, i)) & 0xffU] ^ (crc >> 8);
  }
  return ~crc;
}

} // namespace linkhook
