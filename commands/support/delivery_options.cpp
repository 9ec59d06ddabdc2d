#include "support/delivery_options.hpp"

#include "base/error.hpp"
#include "version.hpp"

#include <fmt/format.h>

namespace linkhook::cmd {

void add_delivery_options(CLI::App& sub, DeliveryOptions& options, const std::string& url_help,
                          const std::string& timeout_help, const std::string& timeout_group,
                          bool url_required) {
  sub.add_option("--url", options.url, url_help)->required(url_required);
  sub.add_option("--timeout", options.timeout, timeout_help)->default_val(10)->group(timeout_group);
  const std::string tls = "TLS";
  sub.add_option("--ca-file", options.ca_file, "Trust this PEM bundle instead of the system store")
      ->group(tls);
  sub.add_flag("-k,--insecure", options.insecure, "Do not check the server's certificate")
      ->group(tls);
}

namespace {

ClientConfig client_config(const DeliveryOptions& options) {
  // A millisecond at least: a socket timeout that rounds to zero would wait forever. A day at
  // most: deadlines are steady_clock nanoseconds, which a timeout like 1e10 s overflows.
  if (!(options.timeout >= 0.001 && options.timeout <= 86400)) {
    throw Error(fmt::format("--timeout must be from 0.001 to 86400 seconds (a day), got {}",
                            options.timeout));
  }
  const auto url = parse_url(options.url);
  if (!url) {
    throw Error(fmt::format("--url '{}' is not an http:// or https:// URL", options.url));
  }
  ClientConfig config;
  config.url = *url;
  config.timeout_s = options.timeout;
  config.insecure = options.insecure;
  config.ca_file = options.ca_file;
  config.user_agent = fmt::format("linkhook/{}", k_version);
  if (url->tls() && options.insecure) {
    fmt::print(stderr, "linkhook: warning: --insecure: the certificate of {} is not checked\n",
               url->origin());
  }
  return config;
}

} // namespace

DeliveryConfig delivery_config(const DeliveryOptions& options, const SignatureOptions& signature) {
  DeliveryConfig config;
  config.client = client_config(options);
  config.scheme = resolve_scheme(signature);
  return config;
}

} // namespace linkhook::cmd
