#pragma once

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

// Well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
bool is_valid_utf8(std::string_view text);

} // namespace linkhook
