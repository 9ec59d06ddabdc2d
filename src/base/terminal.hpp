#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace linkhook {

// Colour only on a terminal, and never when NO_COLOR is set to anything (https://no-color.org).
bool color_enabled(std::FILE* stream);

enum class Color { bold, dim, red, green, yellow, cyan };

// `text` wrapped in the ANSI codes for `color` when `enabled`, else `text` as it is.
std::string paint(std::string_view text, Color color, bool enabled);

// Writes all of `text` to `stream`; throws Error when the stream refuses it (a full disk, say).
void write_all(std::FILE* stream, std::string_view text);

// write_all, then the stream flushed: for lines a reader follows as they happen.
void write_now(std::FILE* stream, std::string_view text);

} // namespace linkhook
