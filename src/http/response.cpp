#include "http/response.hpp"

#include "http/headers.hpp"

#include <charconv>

namespace linkhook {

namespace {

// The value of the first header named `name` in `head`, or empty.
std::string_view field_value(std::string_view head, std::string_view name) {
  for (auto start = head.find("\r\n"); start != std::string_view::npos;) {
    start += 2;
    const auto end = head.find("\r\n", start);
    const auto field = split_field_line(
        head.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (field && header_name_equal(field->name, name)) {
      return field->value;
    }
    start = end;
  }
  return {};
}

} // namespace

bool parse_response_head(std::string_view head, ResponseHead& response) {
  response = ResponseHead{};
  if (!head.starts_with("HTTP/1.") || head.size() < 12 ||
      std::from_chars(head.data() + 9, head.data() + 12, response.status).ec != std::errc{}) {
    return false;
  }
  response.location = field_value(head, "location");
  response.retry_after = field_value(head, "retry-after");
  response.keep_alive =
      !head.starts_with("HTTP/1.0") && !header_lists(field_value(head, "connection"), "close");
  if ((response.status >= 100 && response.status < 200) || response.status == 204 ||
      response.status == 304) {
    return true;
  }
  if (header_lists(field_value(head, "transfer-encoding"), "chunked")) {
    response.body = ResponseBody::chunked;
    return true;
  }
  const auto length_text = field_value(head, "content-length");
  if (length_text.empty()) {
    response.body = ResponseBody::until_close;
    response.keep_alive = false;
  } else if (const auto length = parse_content_length(length_text)) {
    response.body = ResponseBody::length;
    response.length = *length;
  } else {
    response.body = ResponseBody::bad_length;
  }
  return true;
}

} // namespace linkhook
