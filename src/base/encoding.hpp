#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace linkhook {

using Bytes = std::vector<unsigned char>;

// A view of text as the bytes it is made of (keys, signed content and bodies are byte strings).
std::span<const unsigned char> as_bytes(std::string_view text);

// Standard base64 (RFC 4648 section 4) with '=' padding.
std::string base64_encode(std::span<const unsigned char> bytes);
void base64_append(std::string& out, std::span<const unsigned char> bytes);

// Decodes standard base64; padding may be left out. None for any other byte, a misplaced '=', or a
// length no encoder produces, so that a malformed header is reported rather than half-read.
std::optional<Bytes> base64_decode(std::string_view text);

// Lower-case hexadecimal.
std::string hex_encode(std::span<const unsigned char> bytes);
void hex_append(std::string& out, std::span<const unsigned char> bytes);

// The value of one hex digit (either case), -1 for any other byte.
int hex_value(char c);

// Accepts upper and lower case; none for an odd length or a non-hex byte.
std::optional<Bytes> hex_decode(std::string_view text);

} // namespace linkhook
