#include "signing/scheme.hpp"

#include "base/error.hpp"
#include "base/text.hpp"

#include <fmt/format.h>
#include <vector>

namespace linkhook {

namespace {

constexpr Scheme k_schemes[] = {Scheme::standard, Scheme::stripe, Scheme::github};

} // namespace

std::string_view scheme_name(Scheme scheme) {
  switch (scheme) {
  case Scheme::standard:
    return "standard";
  case Scheme::stripe:
    return "stripe";
  case Scheme::github:
    return "github";
  }
  return "unknown";
}

std::span<const Scheme> all_schemes() {
  return k_schemes;
}

Scheme parse_scheme(std::string_view name) {
  std::vector<std::string_view> names;
  for (const auto scheme : k_schemes) {
    if (scheme_name(scheme) == name) {
      return scheme;
    }
    names.push_back(scheme_name(scheme));
  }
  throw Error(fmt::format("unknown scheme '{}'{}; the schemes are standard, stripe and github",
                          name, did_you_mean(name, names)));
}

std::string_view signature_header_name(Scheme scheme) {
  switch (scheme) {
  case Scheme::standard:
    return k_webhook_signature;
  case Scheme::stripe:
    return k_stripe_signature;
  case Scheme::github:
    return k_github_signature;
  }
  return k_webhook_signature;
}

std::span<const std::string_view> signed_header_names(Scheme scheme) {
  static constexpr std::string_view standard[] = {k_webhook_id, k_webhook_timestamp,
                                                  k_webhook_signature};
  static constexpr std::string_view stripe[] = {k_stripe_signature};
  static constexpr std::string_view github[] = {k_github_signature};
  switch (scheme) {
  case Scheme::standard:
    break;
  case Scheme::stripe:
    return stripe;
  case Scheme::github:
    return github;
  }
  return standard;
}

} // namespace linkhook
