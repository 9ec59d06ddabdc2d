#include "http/request.hpp"

#include "base/encoding.hpp"

#include <algorithm>

namespace linkhook {

namespace {

constexpr std::string_view k_crlf = "\r\n";

// `text` percent-decoded, and in a query '+' as a space. A '%' not followed by two hex digits
// stays as it is.
std::string percent_decode(std::string_view text, bool plus_is_space) {
  std::string decoded;
  decoded.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
        hex_value(text[i + 2]) >= 0) {
      decoded.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
      i += 2;
    } else {
      decoded.push_back(plus_is_space && text[i] == '+' ? ' ' : text[i]);
    }
  }
  return decoded;
}

// A header value may hold visible bytes, spaces, tabs and obs-text; no other control byte.
bool is_field_value(std::string_view value) {
  return std::none_of(value.begin(), value.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return (byte < 0x20 && c != '\t') || byte == 0x7f;
  });
}

// Takes the framing headers into `framing`; false when they contradict each other.
bool apply_framing(std::string_view name, std::string_view value, RequestFraming& framing,
                   int& refusal) {
  if (header_name_equal(name, "content-length")) {
    const auto length = parse_content_length(value);
    if (!length || (framing.content_length && *framing.content_length != *length)) {
      return false;
    }
    framing.content_length = length;
  } else if (header_name_equal(name, "transfer-encoding")) {
    if (!header_name_equal(value, "chunked") || framing.chunked) {
      refusal = 501;
      return false;
    }
    framing.chunked = true;
  } else if (header_name_equal(name, "connection")) {
    if (header_lists(value, "close")) {
      framing.keep_alive = false;
    } else if (header_lists(value, "keep-alive")) {
      framing.keep_alive = true;
    }
  } else if (header_name_equal(name, "expect")) {
    if (!header_name_equal(value, "100-continue")) {
      refusal = 417;
      return false;
    }
    framing.expect_continue = true;
  }
  return true;
}

} // namespace

std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> pairs;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) {
      continue;
    }
    const auto equals = pair.find('=');
    pairs.emplace_back(percent_decode(pair.substr(0, equals), true),
                       equals == std::string_view::npos
                           ? std::string()
                           : percent_decode(pair.substr(equals + 1), true));
  }
  return pairs;
}

int parse_request_head(std::string_view head, HttpRequest& request, RequestFraming& framing) {
  framing = RequestFraming{};
  request.headers.clear();
  auto line_end = head.find(k_crlf);
  if (line_end == std::string_view::npos) {
    return 400;
  }
  // request-line = method SP request-target SP HTTP-version
  const auto line = head.substr(0, line_end);
  const auto first_space = line.find(' ');
  const auto last_space = line.rfind(' ');
  if (first_space == std::string_view::npos || first_space == last_space) {
    return 400;
  }
  const auto method = line.substr(0, first_space);
  const auto target = line.substr(first_space + 1, last_space - first_space - 1);
  const auto version = line.substr(last_space + 1);
  if (!is_token(method) || target.empty() || target.front() != '/' ||
      target.find_first_of(" \t") != std::string_view::npos || !is_field_value(target)) {
    return 400;
  }
  if (version == "HTTP/1.0") {
    framing.keep_alive = false; // unless it asks for keep-alive
  } else if (version != "HTTP/1.1") {
    return version.starts_with("HTTP/") ? 505 : 400;
  }
  request.method.assign(method);
  const auto question = target.find('?');
  request.path = percent_decode(target.substr(0, question), false);
  request.query.assign(question == std::string_view::npos ? std::string_view()
                                                          : target.substr(question + 1));
  framing.head = method == "HEAD";
  int refusal = 400;
  for (auto at = line_end + k_crlf.size(); at < head.size(); at = line_end + k_crlf.size()) {
    line_end = head.find(k_crlf, at);
    if (line_end == std::string_view::npos) {
      return 400;
    }
    const auto field = split_field_line(head.substr(at, line_end - at));
    if (!field) {
      return 400;
    }
    if (!is_field_value(field->value) ||
        !apply_framing(field->name, field->value, framing, refusal)) {
      return refusal;
    }
    request.headers.add(std::string(field->name), std::string(field->value));
  }
  if (framing.chunked && framing.content_length) {
    return 400; // both: a classic way to smuggle a request past a proxy
  }
  return 0;
}

std::string_view reason_phrase(int status) {
  switch (status) {
  case 100:
    return "Continue";
  case 200:
    return "OK";
  case 201:
    return "Created";
  case 202:
    return "Accepted";
  case 204:
    return "No Content";
  case 400:
    return "Bad Request";
  case 401:
    return "Unauthorized";
  case 403:
    return "Forbidden";
  case 404:
    return "Not Found";
  case 405:
    return "Method Not Allowed";
  case 408:
    return "Request Timeout";
  case 409:
    return "Conflict";
  case 410:
    return "Gone";
  case 413:
    return "Content Too Large";
  case 417:
    return "Expectation Failed";
  case 422:
    return "Unprocessable Content";
  case 429:
    return "Too Many Requests";
  case 431:
    return "Request Header Fields Too Large";
  case 500:
    return "Internal Server Error";
  case 501:
    return "Not Implemented";
  case 502:
    return "Bad Gateway";
  case 503:
    return "Service Unavailable";
  case 504:
    return "Gateway Timeout";
  case 505:
    return "HTTP Version Not Supported";
  default:
    break;
  }
  switch (status / 100) {
  case 1:
    return "Informational";
  case 2:
    return "Success";
  case 3:
    return "Redirection";
  case 4:
    return "Client Error";
  default:
    return "Server Error";
  }
}

} // namespace linkhook
