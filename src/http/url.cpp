#include "http/url.hpp"

#include <charconv>
#include <fmt/format.h>

namespace linkhook {

std::string Url::origin() const {
  const bool ipv6 = host.find(':') != std::string::npos;
  return fmt::format("{}://{}{}{}:{}", scheme, ipv6 ? "[" : "", host, ipv6 ? "]" : "", port);
}

std::optional<Url> parse_url(std::string_view text) {
  Url url;
  const auto scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) {
    return std::nullopt;
  }
  url.scheme = std::string(text.substr(0, scheme_end));
  for (auto& c : url.scheme) {
    c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  if (url.scheme != "http" && url.scheme != "https") {
    return std::nullopt;
  }
  auto rest = text.substr(scheme_end + 3);
  const auto authority_end = rest.find_first_of("/?#");
  auto authority = rest.substr(0, authority_end);
  url.target =
      authority_end == std::string_view::npos ? "/" : std::string(rest.substr(authority_end));
  if (url.target.front() != '/') {
    url.target = "/" + url.target;
  }
  if (const auto fragment = url.target.find('#'); fragment != std::string::npos) {
    url.target.erase(fragment);
  }
  if (authority.find('@') != std::string_view::npos) {
    return std::nullopt; // credentials in URLs leak into logs; not supported
  }
  std::string_view port_text;
  if (authority.starts_with("[")) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) {
      return std::nullopt;
    }
    url.host = std::string(authority.substr(1, close - 1));
    const auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') {
        return std::nullopt;
      }
      port_text = after.substr(1);
    }
  } else {
    const auto colon = authority.rfind(':');
    url.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
    }
  }
  if (url.host.empty() || url.host.find_first_of(" \t\r\n") != std::string::npos) {
    return std::nullopt;
  }
  url.port = url.tls() ? 443 : 80;
  if (!port_text.empty()) {
    const auto [end, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), url.port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || url.port < 1 ||
        url.port > 65535) {
      return std::nullopt;
    }
  }
  return url;
}

} // namespace linkhook
