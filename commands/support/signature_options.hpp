#pragma once

#include "base/timestamp.hpp"
#include "signing/scheme.hpp"
#include "signing/secret.hpp"

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <string_view>

// The flags every command that signs or verifies shares (sign, verify, send, listen, replay):
// --scheme, and the secret from --secret, else --secret-file, else $LINKHOOK_SECRET.
namespace linkhook::cmd {

// The variable that holds the secret when no flag gives it.
inline constexpr std::string_view k_secret_env = "LINKHOOK_SECRET";

struct SignatureOptions {
  std::string scheme = "standard";
  std::optional<std::string> secret;
  std::optional<std::string> secret_file;
};

void add_signature_options(CLI::App& sub, SignatureOptions& options);

// Adds --scheme, bound to `scheme` (default standard).
CLI::Option* add_scheme_option(CLI::App& sub, std::string& scheme);

// Throws Error (usage) for an unknown scheme, naming the closest.
Scheme resolve_scheme(const SignatureOptions& options);

// The secret, parsed once for the scheme (stripe and github take any string). Throws Error
// (usage), in one line that never shows the secret, when there is none or it cannot be read or
// parsed.
Secret resolve_secret(const SignatureOptions& options);

// --timestamp of sign and send: Unix seconds or ISO-8601. Throws Error (usage) for anything else.
UnixSeconds parse_timestamp_option(const std::string& text);

// The time generated payloads carry (generate, scenario): --timestamp, else with --seed
// 2025-10-19T10:30:00Z (a seeded run prints the same bytes on any day), else now. Throws Error
// (usage) for a --timestamp that is not a time.
UnixSeconds payload_time(const std::optional<std::string>& timestamp, bool seeded);

} // namespace linkhook::cmd
