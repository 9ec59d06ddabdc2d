#pragma once

#include <cstdint>
#include <string_view>

namespace linkhook {

// CRC-32 (IEEE 802.3, the checksum of zlib and PNG) of `data`, continued from `crc` so that a
// checksum can be taken over pieces: crc32(b, crc32(a)) == crc32(a + b).
std::uint32_t crc32(std::string_view data, std::uint32_t crc = 0);

} // namespace linkhook
