#include "signing/secret.hpp"

#include "base/error.hpp"
#include "base/terminal.hpp"
#include "commands.hpp"
#include "support/signature_options.hpp"

#include <memory>
#include <nlohmann/json.hpp>

namespace linkhook::cmd {

namespace {

struct SecretOptions {
  std::string scheme = "standard";
  bool ed25519 = false;
  bool json = false;
};

int run_secret(const SecretOptions& options) {
  const auto scheme = parse_scheme(options.scheme);
  std::string out;
  if (options.ed25519) {
    if (scheme != Scheme::standard) {
      throw Error("--ed25519 makes Standard Webhooks v1a keys; it needs --scheme standard");
    }
    const auto keys = generate_ed25519_keys();
    out = options.json ? nlohmann::ordered_json{{"secret_key", keys.secret_key},
                                                {"public_key", keys.public_key}}
                                 .dump() +
                             "\n"
                       : keys.secret_key + "\n" + keys.public_key + "\n";
  } else {
    const auto secret = generate_secret(scheme);
    out = options.json ? nlohmann::ordered_json{{"secret", secret}}.dump() + "\n" : secret + "\n";
  }
  write_all(stdout, out);
  return 0;
}

} // namespace

void add_secret(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<SecretOptions>();
  auto* sub = app.add_subcommand("secret", "Print a fresh random signing secret");
  add_scheme_option(*sub, options->scheme);
  sub->add_flag("--ed25519", options->ed25519,
                "Print an Ed25519 key pair for v1a instead: the whsk_ signing key, then the "
                "whpk_ verifying key");
  sub->add_flag("--json", options->json,
                "Print {\"secret\"} (or {\"secret_key\", \"public_key\"} with --ed25519)");
  sub->footer("Examples:\n"
              "  export LINKHOOK_SECRET=$(linkhook secret)\n"
              "  linkhook secret --scheme github > hook.secret\n"
              "  read -r SK PK < <(linkhook secret --ed25519 | paste -sd ' ')");
  sub->callback([options, &exit_code] { exit_code = run_secret(*options); });
}

} // namespace linkhook::cmd
