#include "delivery/delivery_config.hpp"

#include <algorithm>
#include <vector>

namespace linkhook {

namespace {

// `signed_headers` with those `extra` names replaced (by the first -H of the name: a later one
// adds a second header, as a test of a verifier may want), then the rest of `extra`.
Headers with_extra(const Headers& signed_headers, const Headers& extra) {
  Headers headers;
  std::vector<bool> used(extra.size());
  for (const auto& header : signed_headers) {
    const auto same = std::find_if(extra.begin(), extra.end(), [&](const Header& given) {
      return header_name_equal(given.name, header.name);
    });
    if (same == extra.end()) {
      headers.add(header.name, header.value);
      continue;
    }
    used[static_cast<std::size_t>(same - extra.begin())] = true;
    headers.add(same->name, same->value);
  }
  std::size_t i = 0;
  for (const auto& header : extra) {
    if (!used[i++]) {
      headers.add(header.name, header.value);
    }
  }
  return headers;
}

} // namespace

Headers delivery_headers(const DeliveryConfig& config, const Message& message,
                         const Headers& extra) {
  Headers headers;
  delivery_headers(headers, config, message, extra);
  return headers;
}

void delivery_headers(Headers& headers, const DeliveryConfig& config, const Message& message,
                      const Headers& extra) {
  headers.clear();
  sign(headers, config.scheme, *config.secret, message);
  if (!extra.empty()) {
    headers = with_extra(headers, extra);
  }
  // Only -H can have named either header already.
  if (extra.empty() || !headers.contains("content-type")) {
    headers.add("Content-Type", "application/json");
  }
  if (extra.empty() || !headers.contains("user-agent")) {
    headers.add("User-Agent", config.client.user_agent);
  }
}

} // namespace linkhook
