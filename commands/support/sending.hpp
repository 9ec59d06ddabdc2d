#pragma once

#include "delivery/sender.hpp"
#include "support/delivery_options.hpp"
#include "support/signature_options.hpp"

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

// What `send` and `scenario --url` share: the flags that say where and how to deliver, and the
// run that signs, POSTs, reports and stores the deliveries.
namespace linkhook::cmd {

// The flags of send; scenario --url takes all but those that choose the payloads.
struct SendOptions {
  std::vector<std::string> events;
  std::optional<std::string> file;
  DeliveryOptions delivery;
  SignatureOptions signature;
  std::vector<std::string> sets;
  std::optional<std::uint64_t> seed;
  std::vector<std::string> headers;
  std::optional<std::string> id;
  std::optional<std::string> timestamp;
  long long count = 1;
  int concurrency = 1;
  std::optional<double> rate;
  int retries = 0;
  std::string schedule = "standard";
  std::string max_wait = "60s";
  bool show_response = false;
  bool no_store = false;
  std::optional<std::string> store;
  bool json = false;
  bool quiet = false;
  double duplicates = 0;
  long long reorder = 1;
};

// The retry flags, to check once parsed: --schedule and --max-wait need --retries.
struct RetryFlags {
  const CLI::Option* retries = nullptr;
  const CLI::Option* schedule = nullptr;
  const CLI::Option* max_wait = nullptr;
  void check() const;
};

// Adds the flags of delivering to `sub`: --url (required or not) and TLS, --timeout, the
// signature, -H (in `payload_group`), --concurrency and --rate, the provider's habits
// (--duplicates, --reorder), the retries, --show-response, the store, --json and --quiet.
RetryFlags add_sending_flags(CLI::App& sub, SendOptions& o, bool url_required,
                             const std::string& payload_group);

// Fills `config`'s delivery settings from `o`, signing with `secret`. config.count must be set
// already: the plan of --duplicates and --reorder is made for that many. Throws Error (usage) for
// a value out of range.
void configure_sending(const SendOptions& o, const Secret& secret, SendConfig& config);

// Signs and POSTs config's deliveries as `o` says: a line each (or JSON), progress on a
// terminal, the summary, each stored unless --no-store. Returns the exit status: 0 when every
// delivery ended 2xx, 1 otherwise, 130 when interrupted.
int run_sending(const SendOptions& o, SendConfig& config);

} // namespace linkhook::cmd
