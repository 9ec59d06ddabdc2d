#include "http/response.hpp"

#include "http/headers.hpp"

#include <array>
#include <charconv>
#include <optional>

namespace linkhook {

namespace {

// The headers that decide how an answer is read: indexes into k_field_names.
enum Field : std::size_t { location, retry_after, connection, transfer_encoding, content_length };
constexpr std::array<std::string_view, 5> k_field_names{"location", "retry-after", "connection",
                                                        "transfer-encoding", "content-length"};

// The value of the first header of each of those names (empty when absent), in one pass over the
// header lines: every answer to every delivery of `send --count` goes through it.
class AnswerFields {
public:
  explicit AnswerFields(std::string_view head) {
    for (auto start = head.find("\r\n"); start != std::string_view::npos;) {
      start += 2;
      const auto end = head.find("\r\n", start);
      const auto field = split_field_line(
          head.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
      start = end;
      for (std::size_t i = 0; field && i < k_field_names.size(); ++i) {
        if (header_name_equal(field->name, k_field_names[i])) {
          m_values[i] = m_values[i].value_or(field->value);
          break;
        }
      }
    }
  }

  std::string_view operator[](Field field) const { return m_values[field].value_or(""); }

private:
  std::array<std::optional<std::string_view>, k_field_names.size()> m_values;
};

} // namespace

bool parse_response_head(std::string_view head, ResponseHead& response) {
  response = ResponseHead{};
  if (!head.starts_with("HTTP/1.") || head.size() < 12 ||
      std::from_chars(head.data() + 9, head.data() + 12, response.status).ec != std::errc{}) {
    return false;
  }
  const AnswerFields fields(head);
  response.location = fields[location];
  response.retry_after = fields[retry_after];
  response.keep_alive = !head.starts_with("HTTP/1.0") && !header_lists(fields[connection], "close");
  if ((response.status >= 100 && response.status < 200) || response.status == 204 ||
      response.status == 304) {
    return true;
  }
  if (header_lists(fields[transfer_encoding], "chunked")) {
    response.body = ResponseBody::chunked;
    return true;
  }
  if (fields[content_length].empty()) {
    response.body = ResponseBody::until_close;
    response.keep_alive = false;
  } else if (const auto length = parse_content_length(fields[content_length])) {
    response.body = ResponseBody::length;
    response.length = *length;
  } else {
    response.body = ResponseBody::bad_length;
  }
  return true;
}

} // namespace linkhook
