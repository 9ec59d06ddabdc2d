#include "base/error.hpp"
#include "base/file_io.hpp"
#include "base/random.hpp"
#include "base/signals.hpp"
#include "base/terminal.hpp"
#include "base/text.hpp"
#include "base/timestamp.hpp"
#include "commands.hpp"
#include "delivery/send_report.hpp"
#include "delivery/sender.hpp"
#include "payload/generator.hpp"
#include "payload/scan.hpp"
#include "store/batch_writer.hpp"
#include "store/event_store.hpp"
#include "support/delivery_options.hpp"
#include "support/sending.hpp"
#include "support/signature_options.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <fmt/format.h>
#include <initializer_list>
#include <memory>
#include <optional>
#include <unistd.h>

namespace linkhook::cmd {

namespace {

// More than any load test needs, and far from the sender's overflow.
constexpr std::uint64_t k_max_deliveries = 1'000'000'000'000;

// The payloads: generated events, or the exact bytes of --file.
void choose_payloads(const SendOptions& o, SendConfig& config) {
  if (o.file.has_value() == !o.events.empty()) {
    throw Error(o.file ? "give an event name or --file, not both"
                       : "name an event, or --file F; 'linkhook events' lists them");
  }
  if (o.file) {
    if (!o.sets.empty() || o.seed) {
      throw Error("--set and --seed shape generated payloads; --file is sent as it is");
    }
    config.body = read_input(*o.file, k_body_limit);
    const auto scan = scan_payload(*config.body);
    if (!scan.json) {
      throw Error(fmt::format("--file {} is not JSON: {}", *o.file, scan.error));
    }
    config.body_event = scan.event;
    return;
  }
  config.events = select_events(o.events);
  for (const auto& text : o.sets) {
    config.assignments.push_back(parse_assignment(text));
  }
  for (const auto& note : created_path_notes(config.events, config.assignments)) {
    fmt::print(stderr, "linkhook: note: {}\n", note);
  }
  config.seed = o.seed;
}

// --count N is N of each selected event (as in generate), or N copies of --file.
std::uint64_t delivery_count(const SendOptions& o, const SendConfig& config) {
  const auto per_payload = static_cast<std::uint64_t>(o.count);
  const auto payloads = std::max<std::uint64_t>(config.events.size(), 1);
  if (per_payload > k_max_deliveries / payloads) {
    throw Error(fmt::format("--count {} of {} is more than {} deliveries", o.count,
                            count_of(payloads, "event"), k_max_deliveries));
  }
  return per_payload * payloads;
}

// The deliveries of `o`: generated payloads or --file, under --id, signed at --timestamp.
SendConfig make_config(const SendOptions& o, const Secret& secret) {
  SendConfig config;
  choose_payloads(o, config);
  config.id = o.id;
  if (o.timestamp) {
    config.timestamp = parse_timestamp_option(*o.timestamp);
  }
  config.count = delivery_count(o, config);
  configure_sending(o, secret, config);
  return config;
}

int run_send(const SendOptions& o) {
  const auto secret = resolve_secret(o.signature);
  auto config = make_config(o, secret);
  return run_sending(o, config);
}

} // namespace

void add_send(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<SendOptions>();
  auto* sub = app.add_subcommand("send", "Sign and POST deliveries to an endpoint");
  sub->add_option("event", o->events,
                  "Events or globs (link.clicked, 'link.*'): every one is sent, --count times")
      ->type_name("EVENT");
  sub->add_option("--file", o->file, "Send this body instead, byte for byte ('-': stdin)")
      ->type_name("FILE");
  const std::string payload = "Payload and request";
  const auto retry_flags = add_sending_flags(*sub, *o, true, payload);
  sub->add_option("--set", o->sets, "Override a generated field: PATH=VALUE (as in generate)")
      ->allow_extra_args(false)
      ->group(payload);
  sub->add_option("--seed", o->seed, "Seed for generated values (and exponential jitter)")
      ->group(payload);
  sub->add_option("--id", o->id, "The webhook-id (default: a fresh one per delivery)")
      ->group(payload);
  sub->add_option("--timestamp", o->timestamp,
                  "Sign with this time, Unix seconds or ISO-8601 (default: now): a stale "
                  "delivery on purpose")
      ->group(payload);
  sub->add_option("-n,--count", o->count, "Deliveries of each event (of --file: copies)")
      ->default_val(1)
      ->group("Many deliveries");
  sub->footer(
      "Every named event and every event a glob matches is sent; --count N sends N of each (as\n"
      "generate --count does), cycling through the events: 'link.*' --count 1000 is 3000\n"
      "deliveries. With --file, N copies.\n\n"
      "A -H naming a header the signature sets (webhook-id, webhook-timestamp,\n"
      "webhook-signature; Stripe-Signature; X-Hub-Signature-256) replaces it, with a warning;\n"
      "a second -H of that name adds another line. --timestamp T signs every attempt with T\n"
      "(and dates generated payloads T): an old T sends a stale delivery on purpose.\n\n"
      "Real providers deliver at least once and in no guaranteed order: --duplicates P and\n"
      "--reorder N make send do the same, reproducibly with --seed. The summary counts the\n"
      "redeliveries and the reordered deliveries; with --json each line has its \"story\"\n"
      "place and \"redelivery\", and the summary \"duplicates\" and \"reordered\".\n\n"
      "Exit status: 0 when every delivery ended 2xx, 1 otherwise, 2 for a usage error, 130 when\n"
      "interrupted: deliveries awaiting an answer give up at once, then the summary is printed.\n\n"
      "Examples:\n"
      "  linkhook send link.clicked --url http://localhost:3000/webhooks\n"
      "  linkhook send --file event.json --url https://staging.example.com/hooks --json\n"
      "  linkhook send 'link.*' --count 1000 --concurrency 16 --url http://127.0.0.1:4000/\n"
      "  linkhook send qr.scanned --retries 3 --schedule 0,5s,30s --url \"$URL\"\n"
      "  linkhook send 'link.*' --count 20 --duplicates 0.2 --reorder 5 --url \"$URL\"\n"
      "  linkhook send link.clicked --timestamp 2025-01-01T00:00:00Z --url \"$URL\"   # stale");
  sub->callback([o, &exit_code, retry_flags] {
    retry_flags.check();
    exit_code = run_send(*o);
  });
}

} // namespace linkhook::cmd
