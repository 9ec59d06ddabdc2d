#pragma once

#include <string_view>

namespace linkhook {

// The deepest nesting of arrays and objects linkhook builds or re-serialises from user input
// (--set paths and values, --filter, store import lines, re-serialised bodies): its JSON writers
// recurse, so deeper input would run them off the stack. Real payloads nest a few levels.
inline constexpr int k_max_json_depth = 64;

// Deepest nesting of arrays and objects in `text`, counted without parsing (strings are skipped),
// so that it is safe on any input, JSON or not.
int json_nesting_depth(std::string_view text);

} // namespace linkhook
