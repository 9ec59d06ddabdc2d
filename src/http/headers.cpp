#include "http/headers.hpp"

#include "base/error.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <fmt/format.h>

namespace linkhook {

namespace {

char ascii_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

} // namespace

bool is_token_char(char c) {
  // A table: every byte of every header name of every request goes through here.
  static constexpr auto k_tchar = [] {
    std::array<bool, 256> table{};
    for (std::size_t byte = 0; byte < table.size(); ++byte) {
      const auto t = static_cast<char>(byte);
      table[byte] = (t >= 'a' && t <= 'z') || (t >= 'A' && t <= 'Z') || (t >= '0' && t <= '9') ||
                    std::string_view("!#$%&'*+-.^_`|~").find(t) != std::string_view::npos;
    }
    return table;
  }();
  return k_tchar[static_cast<unsigned char>(c)];
}

bool is_token(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), is_token_char);
}

std::string_view trim_blanks(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) {
    return {};
  }
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

bool header_name_equal(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](char x, char y) { return ascii_lower(x) == ascii_lower(y); });
}

void Headers::add(std::string_view name, std::string_view value) {
  add(name).assign(value);
}

std::string& Headers::add(std::string_view name) {
  if (m_size == m_headers.size()) {
    m_headers.push_back({std::string(name), {}});
  } else {
    m_headers[m_size].name.assign(name);
    m_headers[m_size].value.clear();
  }
  return m_headers[m_size++].value;
}

void Headers::clear(std::size_t max_kept) {
  if (m_headers.size() > max_kept) {
    std::vector<Header>().swap(m_headers);
  }
  m_size = 0;
}

const std::string* Headers::find(std::string_view name) const {
  for (const auto& header : *this) {
    if (header_name_equal(header.name, name)) {
      return &header.value;
    }
  }
  return nullptr;
}

std::optional<FieldLine> split_field_line(std::string_view line) {
  const auto colon = line.find(':');
  // No space before the colon (RFC 9112 section 5.1), and no obsolete line folding.
  if (colon == std::string_view::npos || !is_token(line.substr(0, colon))) {
    return std::nullopt;
  }
  return FieldLine{line.substr(0, colon), trim_blanks(line.substr(colon + 1))};
}

bool header_lists(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    const auto comma = value.find(',');
    const auto member = value.substr(0, comma);
    if (header_name_equal(trim_blanks(member.substr(0, member.find(';'))), token)) {
      return true;
    }
    value = comma == std::string_view::npos ? std::string_view{} : value.substr(comma + 1);
  }
  return false;
}

std::optional<std::uint64_t> parse_content_length(std::string_view value) {
  std::uint64_t length = 0;
  if (value.empty() || value.size() > 18 ||
      !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  std::from_chars(value.data(), value.data() + value.size(), length);
  return length;
}

Header parse_header_line(std::string_view line) {
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) {
    throw Error(fmt::format("header '{}' has no colon; expected 'Name: value'", line));
  }
  const auto name = trim_blanks(line.substr(0, colon));
  if (!is_token(name)) {
    throw Error(fmt::format("header '{}' has no valid name before the colon; expected "
                            "'Name: value'",
                            line));
  }
  const auto value = trim_blanks(line.substr(colon + 1));
  if (value.find_first_of("\r\n") != std::string_view::npos) {
    // A line break would end the header early and smuggle whatever follows into the request.
    throw Error(fmt::format("header '{}' has a line break in its value", name));
  }
  return {std::string(name), std::string(value)};
}

} // namespace linkhook
