#include "base/text.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <numeric>
#include <vector>

namespace linkhook {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const std::size_t substitution = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      row[j] = std::min({above + 1, row[j - 1] + 1, substitution});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::optional<std::string_view> closest_match(std::string_view word,
                                              std::span<const std::string_view> candidates) {
  if (word.empty()) {
    return std::nullopt;
  }
  std::optional<std::string_view> prefixed;
  std::size_t prefix_count = 0;
  for (const auto candidate : candidates) {
    if (candidate.starts_with(word)) {
      prefixed = candidate;
      ++prefix_count;
    }
  }
  if (prefix_count == 1) {
    return prefixed;
  }
  const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
  std::optional<std::string_view> best;
  std::size_t best_distance = limit + 1;
  for (const auto candidate : candidates) {
    const std::size_t distance = edit_distance(word, candidate);
    if (distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

std::string did_you_mean(std::string_view word, std::span<const std::string_view> candidates) {
  const auto hint = closest_match(word, candidates);
  return hint ? fmt::format(" (did you mean '{}'?)", *hint) : "";
}

std::string did_you_mean(std::string_view word, std::span<const std::string> candidates) {
  const std::vector<std::string_view> views(candidates.begin(), candidates.end());
  return did_you_mean(word, views);
}

bool glob_match(std::string_view pattern, std::string_view text) {
  // Iterative matcher with one backtrack point: linear for typical patterns, no recursion.
  std::size_t p = 0;
  std::size_t t = 0;
  std::size_t star = std::string_view::npos;
  std::size_t star_text = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_text = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++star_text;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') {
    ++p;
  }
  return p == pattern.size();
}

std::string printable(std::string_view text) {
  std::string out(text);
  for (auto& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      c = '?';
    }
  }
  return out;
}

std::string one_line_preview(std::string_view text, bool cut) {
  std::string out;
  for (const char c : text) {
    if (c == '\n' || c == '\r' || c == '\t') {
      if (!out.empty() && out.back() != ' ') {
        out += ' ';
      }
    } else {
      out += static_cast<unsigned char>(c) < 0x20 || c == 0x7F ? '?' : c;
    }
  }
  while (!out.empty() && out.back() == ' ') {
    out.pop_back();
  }
  // A cut can split the last character: drop its first bytes rather than show them as '?'.
  for (int i = 0; cut && i < 3 && !is_valid_utf8(out) && !out.empty() &&
                  (static_cast<unsigned char>(out.back()) & 0x80) != 0;
       ++i) {
    out.pop_back();
  }
  if (!is_valid_utf8(out)) {
    for (auto& c : out) {
      c = static_cast<unsigned char>(c) >= 0x80 ? '?' : c;
    }
  }
  return cut ? out + "…" : out;
}

std::string count_of(std::uint64_t n, std::string_view singular, std::string_view plural) {
  if (n == 1) {
    return fmt::format("1 {}", singular);
  }
  return plural.empty() ? fmt::format("{} {}s", n, singular) : fmt::format("{} {}", n, plural);
}

bool is_valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t extra = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xbf;
    if (lead < 0x80) {
      ++i;
      continue;
    }
    if (lead >= 0xc2 && lead <= 0xdf) {
      extra = 1;
    } else if (lead >= 0xe0 && lead <= 0xef) {
      extra = 2;
      low = lead == 0xe0 ? 0xa0 : 0x80;  // no overlong three-byte forms
      high = lead == 0xed ? 0x9f : 0xbf; // no UTF-16 surrogates
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      extra = 3;
      low = lead == 0xf0 ? 0x90 : 0x80;  // no overlong four-byte forms
      high = lead == 0xf4 ? 0x8f : 0xbf; // nothing above U+10FFFF
    } else {
      return false;
    }
    if (text.size() - i <= extra) {
      return false;
    }
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto c = static_cast<unsigned char>(text[i + k]);
      if (c < (k == 1 ? low : 0x80) || c > (k == 1 ? high : 0xbf)) {
        return false;
      }
    }
    i += extra + 1;
  }
  return true;
}

} // namespace linkhook
