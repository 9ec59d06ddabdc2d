#pragma once

#include <array>
#include <charconv>
#include <concepts>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace linkhook {

// Levenshtein distance between two strings, counted in bytes.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate a user most likely meant by `word`: a unique one it is a prefix of, else the
// nearest within an edit distance of a third of its length (at least 2). None when nothing is
// close enough to be a helpful suggestion.
std::optional<std::string_view> closest_match(std::string_view word,
                                              std::span<const std::string_view> candidates);

// " (did you mean 'generate'?)" naming closest_match(word, candidates), or "" when none is close.
std::string did_you_mean(std::string_view word, std::span<const std::string_view> candidates);
std::string did_you_mean(std::string_view word, std::span<const std::string> candidates);

// Shell-style glob with '*' (any run, also empty) and '?' (one byte).
bool glob_match(std::string_view pattern, std::string_view text);

// `text` with control bytes (newlines, escapes, DEL) as '?': safe to print on one line of a
// terminal or log when it comes from outside.
std::string printable(std::string_view text);

// An answer's body on one line of a terminal: line breaks and tabs as one space, the trailing
// ones dropped, other control bytes as '?', bytes that are not UTF-8 as '?', and "…" when `cut`
// (only the first bytes of the body are at hand).
std::string one_line_preview(std::string_view text, bool cut);

// "1 delivery", "2 deliveries", "0 seconds": `singular` for one, else `plural` (default: with an
// "s").
std::string count_of(std::uint64_t n, std::string_view singular, std::string_view plural = {});

// Well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
bool is_valid_utf8(std::string_view text);

// Appends `number` in decimal: what the hot paths use where fmt's format parsing showed.
template <std::integral Number>
void append_number(std::string& out, Number number) {
  std::array<char, 24> digits{};
  out.append(digits.data(),
             std::to_chars(digits.data(), digits.data() + digits.size(), number).ptr);
}

} // namespace linkhook
