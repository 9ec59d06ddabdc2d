#include "support/signature_options.hpp"

#include "base/error.hpp"
#include "base/file_io.hpp"
#include "payload/generator.hpp"

#include <cstdlib>
#include <fmt/format.h>

namespace linkhook::cmd {

namespace {

// A secret file usually ends with a newline (echo, editors); it is not part of the secret.
std::string_view trim_line_end(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.remove_suffix(1);
  }
  return text;
}

} // namespace

CLI::Option* add_scheme_option(CLI::App& sub, std::string& scheme) {
  return sub.add_option("--scheme", scheme, "Signature scheme: standard, stripe or github")
      ->type_name("SCHEME")
      ->default_val("standard");
}

void add_signature_options(CLI::App& sub, SignatureOptions& options) {
  add_scheme_option(sub, options.scheme);
  sub.add_option(
      "--secret", options.secret,
      "Signing secret: whsec_... for standard (whsk_/whpk_ for Ed25519 v1a); for stripe and "
      "github the whole string is the key");
  sub.add_option("--secret-file", options.secret_file,
                 "Read the secret from this file (else $LINKHOOK_SECRET)")
      ->type_name("FILE");
}

Scheme resolve_scheme(const SignatureOptions& options) {
  return parse_scheme(options.scheme);
}

Secret resolve_secret(const SignatureOptions& options) {
  const auto scheme = resolve_scheme(options);
  if (options.secret) {
    return Secret::parse(*options.secret, scheme);
  }
  if (options.secret_file) {
    const auto text = read_input(*options.secret_file, k_secret_limit);
    const auto secret = trim_line_end(text);
    if (secret.empty()) {
      throw Error(fmt::format("secret file '{}' is empty", *options.secret_file));
    }
    return Secret::parse(secret, scheme);
  }
  if (const char* env = std::getenv(k_secret_env.data()); env != nullptr && *env != '\0') {
    return Secret::parse(env, scheme);
  }
  throw Error(fmt::format("no secret: give --secret, --secret-file or set {}; 'linkhook secret' "
                          "makes one",
                          k_secret_env));
}

UnixSeconds parse_timestamp_option(const std::string& text) {
  const auto parsed = parse_timestamp(text);
  if (!parsed) {
    throw Error(fmt::format("--timestamp '{}' is not a time; expected Unix seconds like "
                            "1760869800 (or ISO-8601)",
                            text));
  }
  return *parsed;
}

UnixSeconds payload_time(const std::optional<std::string>& timestamp, bool seeded) {
  if (!timestamp) {
    return seeded ? k_seeded_timestamp : unix_now();
  }
  const auto parsed = parse_timestamp(*timestamp);
  if (!parsed) {
    throw Error(fmt::format("--timestamp '{}' is not a time; expected ISO-8601 like "
                            "2025-10-19T10:30:00Z or Unix seconds",
                            *timestamp));
  }
  return *parsed;
}

} // namespace linkhook::cmd
