#include "forwarder.hpp"

#include "headers.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <httplib.h>

namespace linkhook {

namespace {

// Headers that describe one HTTP hop, not the delivery; the client sets its own.
bool hop_by_hop(std::string_view name) {
  static constexpr std::string_view k_names[] = {"host",
                                                 "content-length",
                                                 "content-type",
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
  httplib::Client client(target.origin());
  const auto seconds = static_cast<time_t>(timeout_s);
  const auto micros = static_cast<time_t>((timeout_s - static_cast<double>(seconds)) * 1e6);
  client.set_connection_timeout(seconds, micros);
  client.set_read_timeout(seconds, micros);
  client.set_write_timeout(seconds, micros);
  if (target.tls()) {
    client.enable_server_certificate_verification(true);
  }
  httplib::Headers relayed;
  std::string content_type = "application/json";
  for (const auto& [name, value] : headers) {
    if (header_name_equal(name, "content-type")) {
      content_type = value;
    } else if (!hop_by_hop(name)) {
      relayed.emplace(name, value);
    }
  }
  const auto result = client.Post(target.target, relayed, body.data(), body.size(), content_type);
  if (!result) {
    return {std::nullopt,
            fmt::format("cannot reach {}: {}", target.str(), httplib::to_string(result.error()))};
  }
  return {result->status, {}};
}

} // namespace linkhook
