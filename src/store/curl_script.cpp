#include "store/curl_script.hpp"

#include "base/encoding.hpp"
#include "base/text.hpp"
#include "base/timestamp.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>

namespace linkhook {

namespace {

// Inside single quotes a POSIX shell takes every byte literally but the quote itself, which
// closes, is written escaped, and reopens.
std::string single_quoted(std::string_view text) {
  std::string out = "'";
  for (const char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  out += '\'';
  return out;
}

// Headers curl writes from the request itself.
constexpr std::array<std::string_view, 4> k_curl_writes = {"Host", "Content-Length",
                                                           "Transfer-Encoding", "Connection"};
// Headers curl adds of its own unless told not to: removed when the record has none.
constexpr std::array<std::string_view, 4> k_curl_adds = {"Accept", "Content-Type", "User-Agent",
                                                         "Expect"};

bool has_header(const StoreRecord& record, std::string_view name) {
  return std::any_of(record.headers.begin(), record.headers.end(),
                     [&](const Header& header) { return header_name_equal(header.name, name); });
}

} // namespace

std::string curl_script_head() {
  return "#!/bin/sh\n"
         "# Written by linkhook store export --format curl: re-sends each record's exact body and\n"
         "# headers (its signature too: a receiver verifies them within its tolerance), prints\n"
         "# each answer's status (000: none came), and exits 1 unless every one was a 2xx.\n"
         "# Usage: sh SCRIPT URL\n"
         "set -u\n"
         "url=${1:?usage: sh SCRIPT URL (where to re-send the records)}\n"
         "failed=0\n"
         "answered() {\n"
         "  echo \"$1\"\n"
         "  case $1 in 2[0-9][0-9]) ;; *) failed=1 ;; esac\n"
         "}\n";
}

std::string curl_script_tail() {
  return "exit $failed\n";
}

std::string curl_command(const StoreRecord& record, std::size_t number) {
  // The comment is the record's id, kind, event and time, one printable line.
  std::string out = fmt::format(
      "\n# {}: {} {} {} {}\n", number, printable(record.id), kind_name(record.kind),
      printable(record.event.empty() ? "-" : record.event), format_iso8601_ms(record.time_ms));
  std::string options;
  for (const auto& header : record.headers) {
    const bool curl_writes =
        std::any_of(k_curl_writes.begin(), k_curl_writes.end(),
                    [&](std::string_view name) { return header_name_equal(header.name, name); });
    if (curl_writes) {
      continue;
    }
    // A name that is no token, or a value holding a line break or a NUL, cannot be one header
    // line of a request: sent, it would be another header or nothing. Left out, and said so.
    if (!is_token(header.name) ||
        header.value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
      out += fmt::format("# header {} left out: it cannot be sent as one header line\n",
                         printable(header.name));
      continue;
    }
    // `-H 'Name:'` would remove the header; `-H 'Name;'` sends it empty.
    options +=
        " \\\n  -H " +
        single_quoted(header.value.empty() ? header.name + ";" : header.name + ": " + header.value);
  }
  for (const auto name : k_curl_adds) {
    if (!has_header(record, name)) {
      options += " \\\n  -H " + single_quoted(std::string(name) + ":");
    }
  }
  // The body through printf, a shell builtin: no limit on an argument's size, and a body that
  // starts with '@' is not a file name. Bytes a shell word cannot hold (NUL) go as base64.
  const bool text = record.body.find('\0') == std::string::npos;
  out += "answered \"$(";
  out +=
      text ? "printf '%s' " + single_quoted(record.body)
           : "printf '%s' " + single_quoted(base64_encode(as_bytes(record.body))) + " | base64 -d";
  out += " |\n  curl -sS -o /dev/null -w '%{http_code}' -X POST \"$url\" --data-binary @-" +
         options + ")\"\n";
  return out;
}

} // namespace linkhook
