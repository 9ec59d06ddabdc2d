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

struct VerifyOptions {
  SignatureOptions signature;
  std::vector<std::string> headers;
  std::optional<std::string> header_file;
  long long tolerance = k_default_tolerance_s;
  std::optional<UnixSeconds> now; // hidden: lets tests fix the clock
  std::string file = "-";
  bool json = false;
};

int run_verify(const VerifyOptions& options) {
  const auto scheme = resolve_scheme(options.signature);
  const auto secret = resolve_secret(options.signature);
  if (options.tolerance < 0) {
    throw Error(fmt::format("--tolerance must be 0 or more seconds, got {}", options.tolerance));
  }
  Headers headers;
  const auto add = [&headers](std::string_view line) {
    auto header = parse_header_line(line);
    headers.add(std::move(header.name), std::move(header.value));
  };
  if (options.header_file) {
    // The output of `linkhook sign`: one 'Name: value' a line.
    const auto text = read_input(*options.header_file, k_text_limit);
    std::string_view rest = text;
    while (!rest.empty()) {
      auto line = rest.substr(0, rest.find('\n'));
      rest.remove_prefix(std::min(rest.size(), line.size() + 1));
      if (line.ends_with('\r')) {
        line.remove_suffix(1);
      }
      if (!line.empty()) {
        add(line);
      }
    }
  }
  for (const auto& line : options.headers) {
    add(line);
  }
  const auto body = read_input(options.file, k_body_limit);
  const auto result =
      verify(scheme, secret, headers, body, options.now.value_or(unix_now()), options.tolerance);
  std::string out;
  if (options.json) {
    nlohmann::ordered_json json = {{"valid", result.valid}, {"reason", result.reason}};
    if (!result.valid) {
      json["failure"] = failure_name(result.failure);
    }
    out = json.dump() + "\n";
  } else {
    const bool color = color_enabled(stdout);
    out = result.valid
              ? paint("valid", Color::green, color) + "\n"
              : fmt::format("{} {}\n", paint("invalid:", Color::red, color), result.reason);
  }
  write_all(stdout, out);
  return static_cast<int>(result.valid ? ExitCode::success : ExitCode::failed);
}

} // namespace

void add_verify(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<VerifyOptions>();
  auto* sub =
      app.add_subcommand("verify", "Check a body's signature headers and say why they fail");
  add_signature_options(*sub, options->signature);
  sub->add_option("-H,--header", options->headers, "A received header, 'Name: value'; repeatable")
      ->allow_extra_args(false);
  sub->add_option("--header-file", options->header_file,
                  "Read headers from a file, one 'Name: value' a line (as 'linkhook sign' prints)")
      ->type_name("FILE");
  sub->add_option("--tolerance", options->tolerance,
                  "Seconds a timestamp may be from now, either way")
      ->default_val(k_default_tolerance_s);
  sub->add_option("--now", options->now, "Unix seconds to take as now (for tests)")
      ->group("")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  sub->add_option("file", options->file, "Body file, or - for standard input (the default)")
      ->type_name("FILE");
  sub->add_flag("--json", options->json, "Print {\"valid\": bool, \"reason\": \"...\"}");
  sub->footer(
      "Examples:\n"
      "  linkhook verify --secret \"$S\" -H \"webhook-id: $ID\" -H \"webhook-timestamp: $TS\" \\\n"
      "      -H \"webhook-signature: $SIG\" body.json\n"
      "  linkhook verify --scheme github --secret-file hook.secret "
      "-H 'X-Hub-Signature-256: sha256=...' body.json\n"
      "  linkhook sign body.json > headers.txt && linkhook verify --header-file headers.txt "
      "body.json");
  sub->callback([options, &exit_code] { exit_code = run_verify(*options); });
}

} // namespace linkhook::cmd
