#include "support/inspect_options.hpp"

#include "base/error.hpp"

#include <charconv>
#include <cstdio>
#include <fmt/format.h>

namespace linkhook::cmd {

InspectorConfig parse_inspect_addr(const std::string& addr, std::string_view flag) {
  const auto colon = addr.rfind(':');
  const auto bad = [&] {
    return Error(fmt::format("{}: '{}' is not HOST:PORT (127.0.0.1:4040, [::1]:0)", flag, addr));
  };
  if (colon == std::string::npos || colon == 0) {
    throw bad();
  }
  InspectorConfig config;
  config.host = addr.substr(0, colon);
  if (config.host.size() > 2 && config.host.front() == '[' && config.host.back() == ']') {
    config.host = config.host.substr(1, config.host.size() - 2);
  }
  const auto port = std::string_view(addr).substr(colon + 1);
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value > 65535) {
    throw bad();
  }
  config.port = static_cast<std::uint16_t>(value);
  return config;
}

void warn_if_exposed(const InspectorConfig& config) {
  const auto& host = config.host;
  if (host != "localhost" && host != "::1" && !host.starts_with("127.")) {
    fmt::print(stderr,
               "linkhook: warning: the inspector listens on {}, beyond this machine: whoever "
               "reaches it reads every stored payload\n",
               host);
  }
}

} // namespace linkhook::cmd
