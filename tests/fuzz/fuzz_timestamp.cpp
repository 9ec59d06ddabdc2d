// libFuzzer target: parse_timestamp reads --timestamp and --since, which scripts fill from
// anywhere. It must take any bytes, and what it accepts must be a time format_iso8601 writes
// back (four-digit year) and that parses again to the same second.
#include "base/timestamp.hpp"
#include "fuzz_check.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto t = linkhook::parse_timestamp(input);
  if (!t) {
    return 0;
  }
  FUZZ_CHECK(*t >= 0 && *t <= linkhook::k_max_timestamp);
  FUZZ_CHECK(input.find('\0') == std::string_view::npos);
  const auto text = linkhook::format_iso8601(*t);
  FUZZ_CHECK(text.size() == 20 && text[4] == '-' && text[10] == 'T' && text.back() == 'Z');
  FUZZ_CHECK(linkhook::parse_timestamp(text) == t);
  return 0;
}
