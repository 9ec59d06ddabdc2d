#include "base/error.hpp"
#include "base/file_io.hpp"
#include "base/terminal.hpp"
#include "commands.hpp"
#include "signing/signature.hpp"
#include "support/signature_options.hpp"

#include <fmt/format.h>
#include <memory>
#include <nlohmann/json.hpp>

namespace linkhook::cmd {

namespace {

struct SignOptions {
  SignatureOptions signature;
  std::optional<std::string> id;
  std::optional<std::string> timestamp;
  std::string file = "-";
  bool json = false;
};

UnixSeconds resolve_timestamp(const std::optional<std::string>& text) {
  if (!text) {
    return unix_now();
  }
  return parse_timestamp_option(*text);
}

int run_sign(const SignOptions& options) {
  const auto scheme = resolve_scheme(options.signature);
  const auto secret = resolve_secret(options.signature);
  // Not value_or: drawing a random id seeds the DRBG, which costs more than the signing itself.
  const auto id = options.id ? *options.id : generate_message_id();
  if (id.empty()) {
    throw Error("--id is empty");
  }
  const auto timestamp = resolve_timestamp(options.timestamp);
  const auto body = read_input(options.file, k_body_limit);
  const auto headers = sign(scheme, secret, {id, timestamp, body});
  std::string out;
  if (options.json) {
    auto object = nlohmann::ordered_json::object();
    for (const auto& header : headers) {
      object[header.name] = header.value;
    }
    out = nlohmann::ordered_json{{"headers", object}}.dump() + "\n";
  } else {
    for (const auto& header : headers) {
      out += fmt::format("{}: {}\n", header.name, header.value);
    }
  }
  write_all(stdout, out);
  return 0;
}

} // namespace

void add_sign(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<SignOptions>();
  auto* sub = app.add_subcommand("sign", "Print the signature headers for a body");
  add_signature_options(*sub, options->signature);
  sub->add_option("--id", options->id, "webhook-id to sign (standard; default: a fresh msg_ id)");
  sub->add_option("--timestamp", options->timestamp,
                  "Signing time in Unix seconds (standard, stripe; default: now)");
  sub->add_option("file", options->file, "Body file, or - for standard input (the default)")
      ->type_name("FILE");
  sub->add_flag("--json", options->json, "Print {\"headers\": {name: value, ...}}");
  sub->footer("Examples:\n"
              "  linkhook generate link.clicked | tee body.json | linkhook sign --secret \"$S\" -\n"
              "  linkhook sign --scheme github --secret-file hook.secret body.json\n"
              "  linkhook sign --id msg_1 --timestamp 1760869800 --json body.json");
  sub->callback([options, &exit_code] { exit_code = run_sign(*options); });
}

} // namespace linkhook::cmd
