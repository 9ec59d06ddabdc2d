#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace linkhook {

// An http:// or https:// URL split the way an HTTP client needs it.
struct Url {
  std::string scheme; // "http" or "https"
  std::string host;   // without brackets for IPv6
  int port = 0;       // explicit, or the scheme's default
  std::string target; // path and query, at least "/"

  bool tls() const { return scheme == "https"; }
  // "http://127.0.0.1:4000", brackets around an IPv6 host.
  std::string origin() const;
  std::string str() const { return origin() + target; }
};

// nullopt for anything that is not an absolute http(s) URL with a host and a valid port.
std::optional<Url> parse_url(std::string_view text);

} // namespace linkhook
