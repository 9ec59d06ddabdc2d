#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

// Fixed-width little-endian integers, as the store's files hold them.
namespace linkhook {

// Appends the low `bytes` bytes of `value` to `out`, least significant first.
inline void put_little_endian(std::string& out, std::uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) {
    out.push_back(static_cast<char>((value >> (8 * i)) & 0xffU));
  }
}

// The integer in the `bytes` bytes of `in` at `at`, which must be there.
inline std::uint64_t get_little_endian(std::string_view in, std::size_t at, int bytes) {
  std::uint64_t value = 0;
  for (int i = 0; i < bytes; ++i) {
    value |= std::uint64_t{static_cast<unsigned char>(in[at + static_cast<std::size_t>(i)])}
             << (8 * i);
  }
  return value;
}

} // namespace linkhook
