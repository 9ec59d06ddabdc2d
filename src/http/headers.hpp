#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
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
  Headers(std::initializer_list<Header> headers) : m_headers(headers), m_size(headers.size()) {}

  void add(std::string_view name, std::string_view value);
  // Adds a header named `name` whose value the caller then writes into the string returned (empty,
  // its storage reused): a value built piece by piece costs no string of its own.
  std::string& add(std::string_view name);

  // Empties the list but keeps the storage of its names and values, so that the next request on
  // a connection reuses it instead of allocating each header again. `max_kept` bounds the
  // headers whose storage is kept: past it, all of it is freed.
  static constexpr std::size_t k_kept = 64;
  void clear(std::size_t max_kept = k_kept);

  // The value of the first header named `name`, or null.
  const std::string* find(std::string_view name) const;

  bool contains(std::string_view name) const { return find(name) != nullptr; }
  bool empty() const { return m_size == 0; }
  std::size_t size() const { return m_size; }
  auto begin() const { return m_headers.begin(); }
  auto end() const { return m_headers.begin() + static_cast<std::ptrdiff_t>(m_size); }

private:
  std::vector<Header> m_headers; // the first m_size are the list; the rest, storage to reuse
  std::size_t m_size = 0;
};

// tchar of RFC 9110 section 5.6.2: the bytes of a header name or a method.
bool is_token_char(char c);

// A token of RFC 9110 section 5.6.2: one or more tchar.
bool is_token(std::string_view text);

// `text` without the spaces and tabs around it.
std::string_view trim_blanks(std::string_view text);

// A field line of a request or response head, "name: value" without its CRLF (RFC 9112 section
// 5): the name is a token with nothing between it and the colon, the value is trimmed of the
// spaces and tabs around it. Views into the line.
struct FieldLine {
  std::string_view name;
  std::string_view value;
};

// The field line `line` holds, or none when it holds none (no colon, or a name that is no token).
std::optional<FieldLine> split_field_line(std::string_view line);

// Whether the comma-separated list of a header value names `token`, in any case: "gzip, Chunked"
// lists "chunked", "notchunked" does not. A member's parameters (after ';') are not compared
// (RFC 9110 section 5.6.1).
bool header_lists(std::string_view value, std::string_view token);

// A Content-Length value: decimal digits only, and at most 18 of them (larger than any body,
// and no overflow); none otherwise ("12abc", "+1", "-1", "").
std::optional<std::uint64_t> parse_content_length(std::string_view value);

// "Name: value" as given to -H: the value is trimmed of surrounding spaces and tabs. Throws Error
// (usage) naming the problem when there is no colon or the name is not an HTTP token.
Header parse_header_line(std::string_view line);

} // namespace linkhook
