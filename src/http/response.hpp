#pragma once

#include <cstdint>
#include <string_view>

// The head of an HTTP/1.x answer, as the delivery client reads it.
namespace linkhook {

// How the body of an answer to a POST is delimited (RFC 9112 section 6.3).
enum class ResponseBody {
  none,        // 1xx, 204 and 304 answers have none
  chunked,     // Transfer-Encoding lists chunked
  length,      // Content-Length bytes
  until_close, // neither: the body runs to the end of the connection
  bad_length,  // a Content-Length that is not a number
};

struct ResponseHead {
  int status = 0;
  std::string_view location; // views into the head, empty when absent
  std::string_view retry_after;
  bool keep_alive = true; // HTTP/1.1, no "Connection: close", and a body that ends before the close
  ResponseBody body = ResponseBody::none;
  std::uint64_t length = 0; // of a `length` body
};

// Parses the status line and header lines of an answer (`head` stops before the blank line that
// ends them) into `response`. False when the head is not one of HTTP/1.x.
bool parse_response_head(std::string_view head, ResponseHead& response);

} // namespace linkhook
