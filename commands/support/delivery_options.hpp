#pragma once

#include "delivery/delivery_config.hpp"
#include "support/signature_options.hpp"

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

// The flags of the commands that POST deliveries (send, replay): where to, how long to wait for
// an answer, and TLS.
namespace linkhook::cmd {

struct DeliveryOptions {
  std::string url;
  double timeout = 10;
  bool insecure = false;
  std::optional<std::string> ca_file;
};

// Adds --url (required unless told), --timeout (in `timeout_group`, described by
// `timeout_help`), and --ca-file and --insecure (in a TLS group).
void add_delivery_options(CLI::App& sub, DeliveryOptions& options, const std::string& url_help,
                          const std::string& timeout_help, const std::string& timeout_group,
                          bool url_required = true);

// The client's configuration and the scheme; the secret, concurrency and stop are the caller's.
// Throws Error (usage) for a URL that is not http(s), a timeout outside 0.001-86400 seconds or an
// unknown scheme; warns on stderr when --insecure turns a certificate check off.
DeliveryConfig delivery_config(const DeliveryOptions& options, const SignatureOptions& signature);

} // namespace linkhook::cmd
