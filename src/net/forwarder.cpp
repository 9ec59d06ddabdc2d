#include "net/forwarder.hpp"

#include "net/delivery_client.hpp"
#include "version.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace linkhook {

namespace {

// Headers that describe one HTTP hop, not the delivery; the client sets its own.
bool hop_by_hop(std::string_view name) {
  static constexpr std::string_view k_names[] = {"host",
                                                 "content-length",
                                                 "connection",
                                                 "keep-alive",
                                                 "transfer-encoding",
                                                 "expect",
                                                 "te",
                                                 "upgrade",
                                                 "proxy-connection",
                                                 "proxy-authorization",
                                                 "trailer"};
  return std::any_of(std::begin(k_names), std::end(k_names),
                     [&](std::string_view hop) { return header_name_equal(hop, name); });
}

} // namespace

ForwardResult forward(const Url& target, double timeout_s, const Headers& headers,
                      std::string_view body) {
  Headers relayed;
  for (const auto& [name, value] : headers) {
    if (!hop_by_hop(name)) {
      relayed.add(name, value);
    }
  }
  // The same client as `send`: certificates verified for https, redirects not followed.
  DeliveryClient client(
      ClientConfig{target, timeout_s, false, std::nullopt, fmt::format("linkhook/{}", k_version)});
  const auto outcome = client.post(relayed, body);
  if (outcome.error != DeliveryError::none) {
    return {std::nullopt, fmt::format("cannot reach {}: {}", target.str(), outcome.error_text)};
  }
  return {outcome.status, {}};
}

} // namespace linkhook
