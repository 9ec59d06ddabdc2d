#pragma once

#include "http/headers.hpp"
#include "http/url.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace linkhook {

struct ForwardResult {
  std::optional<int> status; // the application's answer; nullopt when it could not be reached
  std::string error;         // why not, in one line
};

// Relays a delivery (exact body, its original headers but the hop-by-hop ones) to the application
// under test, as `listen --forward-to` does. Certificates are verified for https.
ForwardResult forward(const Url& target, double timeout_s, const Headers& headers,
                      std::string_view body);

} // namespace linkhook
