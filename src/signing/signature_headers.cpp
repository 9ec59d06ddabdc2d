#include "signing/signature_headers.hpp"

#include "base/text.hpp"
#include "signing/crypto.hpp"
#include "signing/scheme.hpp"

#include <fmt/format.h>

namespace linkhook {

namespace {

constexpr std::size_t k_max_timestamp_digits = 15; // far beyond any real date, far from overflow

// Splits `text` at every `separator`, dropping empty pieces, and calls `visit` on each.
template <typename Visit>
void for_each_piece(std::string_view text, char separator, Visit visit) {
  while (!text.empty()) {
    const auto end = text.find(separator);
    const auto piece = text.substr(0, end);
    if (!piece.empty()) {
      visit(piece);
    }
    if (end == std::string_view::npos) {
      break;
    }
    text.remove_prefix(end + 1);
  }
}

// Splits `text` into entries at `separator`, and each entry at its first `joiner` into a key and
// a value for `visit`; the first entry without `joiner` is noted in `problem`.
template <typename Visit>
void for_each_entry(std::string_view text, char separator, char joiner, std::string& problem,
                    Visit visit) {
  for_each_piece(text, separator, [&](std::string_view entry) {
    const auto at = entry.find(joiner);
    if (at == std::string_view::npos) {
      if (problem.empty()) {
        problem = fmt::format("entry '{}' has no '{}'", shorten(entry), joiner);
      }
      return;
    }
    visit(entry.substr(0, at), entry.substr(at + 1));
  });
}

// The decoded signature when it is valid, else the reason in `problem` (the first one kept).
std::optional<Bytes> decode_signature(std::string_view label, std::string_view text, bool hex,
                                      std::size_t size, std::string& problem) {
  auto bytes = hex ? hex_decode(text) : base64_decode(text);
  std::string found;
  if (!bytes) {
    found = fmt::format("{} '{}' is not {}", label, shorten(text), hex ? "hex" : "base64");
  } else if (bytes->size() != size) {
    found = fmt::format("{} is {} bytes long; expected {}", label, bytes->size(), size);
  }
  if (found.empty()) {
    return bytes;
  }
  if (problem.empty()) {
    problem = std::move(found);
  }
  return std::nullopt;
}

} // namespace

std::string shorten(std::string_view text, std::size_t limit) {
  // Control bytes would break the one-line message (or the terminal).
  auto out = printable(text.substr(0, limit));
  if (text.size() > limit) {
    out += "…";
  }
  return out;
}

std::optional<UnixSeconds> parse_unix_seconds(std::string_view text) {
  if (text.empty() || text.size() > k_max_timestamp_digits) {
    return std::nullopt;
  }
  UnixSeconds value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    value = value * 10 + (c - '0');
  }
  return value;
}

std::optional<std::string> repeated_signature_header(const Headers& headers) {
  static constexpr std::string_view k_signature_headers[] = {
      k_webhook_id,     k_webhook_timestamp, k_webhook_signature, "svix-id",
      "svix-timestamp", "svix-signature",    k_stripe_signature,  k_github_signature};
  for (const auto name : k_signature_headers) {
    bool seen = false;
    for (const auto& header : headers) {
      if (header_name_equal(header.name, name)) {
        if (seen) {
          return header.name;
        }
        seen = true;
      }
    }
  }
  return std::nullopt;
}

StandardSignatures parse_standard_signatures(std::string_view value) {
  StandardSignatures result;
  std::string problem;
  bool known_version = false;
  for_each_entry(value, ' ', ',', problem, [&](std::string_view version, std::string_view encoded) {
    if (version == "v1") {
      known_version = true;
      if (auto sig = decode_signature("v1 signature", encoded, false, k_sha256_size, problem)) {
        result.v1.push_back(std::move(*sig));
      }
    } else if (version == "v1a") {
      known_version = true;
      if (auto sig = decode_signature("v1a signature", encoded, false, k_ed25519_signature_size,
                                      problem)) {
        result.v1a.push_back(std::move(*sig));
      }
    }
  });
  if (result.v1.empty() && result.v1a.empty()) {
    if (problem.empty()) {
      problem = known_version || value.find_first_not_of(' ') == std::string_view::npos
                    ? "it is empty"
                    : fmt::format("'{}' has no v1 or v1a entry", shorten(value));
    }
    result.error = problem + "; expected 'v1,<base64 signature>' entries separated by spaces";
  }
  return result;
}

StripeSignatures parse_stripe_signatures(std::string_view value) {
  StripeSignatures result;
  std::string problem;
  std::optional<UnixSeconds> timestamp;
  for_each_entry(value, ',', '=', problem, [&](std::string_view key, std::string_view text) {
    if (key == "t" && !timestamp) {
      timestamp = parse_unix_seconds(text);
      if (!timestamp && problem.empty()) {
        problem = fmt::format("t='{}' is not Unix seconds", shorten(text));
      }
    } else if (key == "v1") {
      if (auto sig = decode_signature("v1 signature", text, true, k_sha256_size, problem)) {
        result.v1.push_back(std::move(*sig));
      }
    }
  });
  if (!timestamp && problem.empty()) {
    problem = "it has no t=<unix seconds>";
  } else if (result.v1.empty() && problem.empty()) {
    problem = "it has no v1=<hex signature>";
  }
  if (!timestamp || result.v1.empty()) {
    result.error = problem + "; expected 't=<unix seconds>,v1=<hex HMAC-SHA256>'";
  } else {
    result.timestamp = *timestamp;
  }
  return result;
}

GithubSignature parse_github_signature(std::string_view value) {
  GithubSignature result;
  constexpr std::string_view k_prefix = "sha256=";
  std::string problem;
  if (!value.starts_with(k_prefix)) {
    problem = fmt::format("'{}' does not start with sha256=", shorten(value));
  } else if (auto sig = decode_signature("the signature", value.substr(k_prefix.size()), true,
                                         k_sha256_size, problem)) {
    result.sha256 = std::move(*sig);
  }
  if (result.sha256.empty()) {
    result.error = problem + "; expected 'sha256=<64 hex digits>'";
  }
  return result;
}

} // namespace linkhook
