#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace linkhook {

struct Header {
  std::string name;
  std::string value;
  bool operator==(const Header&) const = default;
};

// HTTP header names compare without regard to ASCII case (RFC 9110 section 5.1).
bool header_name_equal(std::string_view a, std::string_view b);

// The headers of one request, in the order they came or are to be sent. Lookup ignores case;
// names keep the spelling they were added with, so a record shows them as received.
class Headers {
public:
  Headers() = default;
  Headers(std::initializer_list<Header> headers) : m_headers(headers) {}

  void add(std::string name, std::string value);

  // The value of the first header named `name`, or null.
  const std::string* find(std::string_view name) const;

  bool contains(std::string_view name) const { return find(name) != nullptr; }
  bool empty() const { return m_headers.empty(); }
  std::size_t size() const { return m_headers.size(); }
  auto begin() const { return m_headers.begin(); }
  auto end() const { return m_headers.end(); }

private:
  std::vector<Header> m_headers;
};

// tchar of RFC 9110 section 5.6.2: the bytes of a header name or a method.
bool is_token_char(char c);

// `text` without the spaces and tabs around it.
std::string_view trim_blanks(std::string_view text);

// "Name: value" as given to -H: the value is trimmed of surrounding spaces and tabs. Throws Error
// (usage) naming the problem when there is no colon or the name is not an HTTP token.
Header parse_header_line(std::string_view line);

} // namespace linkhook
