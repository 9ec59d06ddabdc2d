#pragma once

#include "http/headers.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// An HTTP/1.1 request as the listener's plain-HTTP server reads it, and the answer it gets.
namespace linkhook {

struct HttpRequest {
  std::string method;
  std::string path;  // percent-decoded, without the query
  std::string query; // what follows the first '?' of the target, as it came ("" when none)
  Headers headers;   // as received, in order
  std::string body;
  bool body_too_large = false; // over the server's limit: not read, to be answered 413
};

// The name=value pairs of a query ("event=link.*&limit=5"), in order, each percent-decoded and
// with '+' for a space; a pair without '=' has an empty value.
std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query);

// Answers are plain text unless their headers name another Content-Type.
struct HttpAnswer {
  int status = 200;
  Headers headers; // besides Content-Length and Connection
  std::string body;
  int delay_ms = 0; // the server holds the answer this long before it sends it (listen --delay)
};

// How a request's body is framed, and what the connection does after it.
struct RequestFraming {
  std::optional<std::uint64_t> content_length;
  bool chunked = false;
  bool expect_continue = false; // "Expect: 100-continue"
  bool keep_alive = true;
  bool head = false; // a HEAD request: its answer carries no body
};

// Parses a request's line and headers: `head` runs up to and including the CRLF that ends the
// last header line (the blank line after it is not part of it). Fills `request` (method, path,
// headers) and `framing`, and returns 0; or, for a head it must refuse, the status to answer:
// 400 (malformed, or a request smuggling attempt such as two different Content-Lengths), 417
// (an expectation other than 100-continue), 501 (a transfer coding other than chunked) or 505
// (an HTTP version other than 1.0 and 1.1).
int parse_request_head(std::string_view head, HttpRequest& request, RequestFraming& framing);

// The reason phrase of a status code, for the status line.
std::string_view reason_phrase(int status);

} // namespace linkhook
