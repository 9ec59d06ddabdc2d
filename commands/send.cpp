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
#include "support/signature_options.hpp"
#include "support/store_options.hpp"

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
// The plan of --duplicates and --reorder is made up front: 8 bytes a delivery.
constexpr std::uint64_t k_max_planned = 100'000'000;

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

void check_counts(const SendOptions& o) {
  if (o.count < 1 || o.concurrency < 1) {
    throw Error(fmt::format("--count and --concurrency must be at least 1, got {} and {}", o.count,
                            o.concurrency));
  }
  if (o.rate && !(*o.rate > 0 && std::isfinite(*o.rate))) {
    throw Error(fmt::format("--rate must be a positive number per second, got {}", *o.rate));
  }
  if (o.retries < 0) {
    throw Error(fmt::format("--retries must not be negative, got {}", o.retries));
  }
  if (!(o.duplicates >= 0 && o.duplicates <= 1)) {
    throw Error(
        fmt::format("--duplicates must be a probability from 0 to 1, got {}", o.duplicates));
  }
  if (o.reorder < 1) {
    throw Error(
        fmt::format("--reorder must be a window of at least 1 delivery, got {}", o.reorder));
  }
}

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

// --schedule and --max-wait shape the waits between attempts: without --retries there is one
// attempt and they would be ignored, silently.
void require_retries(const CLI::Option& retries,
                     std::initializer_list<const CLI::Option*> shaping) {
  if (retries.count() > 0) {
    return;
  }
  for (const auto* option : shaping) {
    if (option->count() > 0) {
      throw Error(fmt::format("{} needs --retries N: without it a failed delivery is not retried",
                              option->get_name()));
    }
  }
}

// A -H that names a header the signer sets replaces it (see delivery_headers): on purpose, to
// test a verifier, but worth a word, since the delivery will probably not verify.
void warn_if_signed(const std::string& name, Scheme scheme, const Headers& given_before) {
  const auto names = signed_header_names(scheme);
  const bool is_signed = std::any_of(names.begin(), names.end(), [&](std::string_view signed_name) {
    return header_name_equal(name, signed_name);
  });
  if (is_signed && !given_before.contains(name)) {
    fmt::print(stderr,
               "linkhook: warning: -H {} replaces the header linkhook signs; the signature no "
               "longer covers it (--id and --timestamp sign a value of your choice)\n",
               name);
  }
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

SendConfig make_config(const SendOptions& o, const Secret& secret) {
  check_counts(o);
  SendConfig config;
  config.delivery = delivery_config(o.delivery, o.signature);
  config.delivery.secret = &secret;
  choose_payloads(o, config);
  for (const auto& line : o.headers) {
    auto header = parse_header_line(line);
    warn_if_signed(header.name, config.delivery.scheme, config.extra_headers);
    config.extra_headers.add(std::move(header.name), std::move(header.value));
  }
  config.id = o.id;
  if (o.timestamp) {
    config.timestamp = parse_timestamp_option(*o.timestamp);
  }
  config.count = delivery_count(o, config);
  config.delivery.concurrency = static_cast<std::size_t>(o.concurrency);
  config.rate = o.rate;
  config.retry.max_attempts = static_cast<std::size_t>(o.retries) + 1;
  config.retry.schedule = RetrySchedule::parse(o.schedule, o.seed.value_or(Random::fresh_seed()));
  const auto max_wait = parse_duration(o.max_wait);
  if (!max_wait) {
    throw Error(fmt::format("--max-wait '{}' is not a duration like 30s or 2m", o.max_wait));
  }
  config.retry.max_wait = *max_wait;
  const ChaosOptions chaos{.duplicates = o.duplicates,
                           .reorder = static_cast<std::uint64_t>(o.reorder)};
  if (chaos.any()) {
    if (config.count > k_max_planned) {
      throw Error(fmt::format("--duplicates and --reorder plan at most {} deliveries, not {}",
                              k_max_planned, config.count));
    }
    // A stream of its own: the same --seed gives the same payloads with the plan or without.
    config.plan = std::make_shared<DeliveryPlan>(
        config.count, chaos, o.seed.value_or(Random::fresh_seed()) ^ 0x9e3779b97f4a7c15U);
  }
  return config;
}

// "120/1000 sent, 3 failed" on one line of stderr, redrawn at most ten times a second.
class Progress {
public:
  Progress(bool enabled, std::uint64_t total) : m_enabled(enabled), m_total(total) {}

  void update(const SendSummary& running) {
    const auto now = std::chrono::steady_clock::now();
    if (!m_enabled || now - m_last < std::chrono::milliseconds(100)) {
      return;
    }
    m_last = now;
    m_drawn = true;
    // stderr is unbuffered: the line shows at once.
    fmt::print(stderr, "\r{}/{} sent, {} failed\033[K", running.sent, m_total, running.failed());
  }

  void clear() {
    if (m_drawn) {
      fmt::print(stderr, "\r\033[K");
    }
  }

private:
  bool m_enabled;
  std::uint64_t m_total;
  bool m_drawn = false;
  std::chrono::steady_clock::time_point m_last{};
};

int run_send(const SendOptions& o) {
  SignalWatch signals; // first: every thread started from here on leaves the signals to it
  const auto secret = resolve_secret(o.signature);
  auto config = make_config(o, secret);
  std::atomic<bool> stop{false};
  config.delivery.stop = &stop;
  const auto storing = o.no_store ? StoreWriting{} : open_for_writing(store_dir(o.store));
  const bool color = !o.json && color_enabled(stdout);
  const auto total = config.plan ? config.plan->size() : config.count;
  Progress progress(!o.json && total > 1 && ::isatty(STDERR_FILENO) == 1, total);
  SendSummary running;
  SendHooks hooks;
  if (storing.writer) {
    hooks.persist = [writer = storing.writer.get(), &config](const SentDelivery& d,
                                                             BatchWriter::Committed stored) {
      writer->commit_later(sent_record(d, config.delivery.client.url), std::move(stored));
    };
  }
  hooks.report = [&](const SentDelivery& d) {
    if (!o.quiet) {
      write_all(stdout, o.json ? send_json_line(d, o.show_response)
                               : send_human_line(d, o.show_response, color));
    }
    ++running.sent;
    if (d.outcome.ok()) {
      ++running.succeeded;
    }
    progress.update(running);
  };
  if (!o.json && !o.quiet) {
    hooks.retrying = [](const SentDelivery& d, Milliseconds wait) {
      fmt::print(stderr, "{} attempt {}: {}; retrying in {}\n", d.id, d.attempts,
                 outcome_reason(d.outcome), format_duration(wait));
    };
  }
  const auto summary = [&] {
    StopOnSignal watch(signals, stop);
    return send_deliveries(config, hooks);
  }();
  progress.clear();
  if (o.json) {
    write_all(stdout, send_summary_json(summary));
  } else if (summary.sent > 1 || o.quiet) {
    write_all(stdout, send_summary_text(summary));
  }
  if (stop) {
    return static_cast<int>(ExitCode::interrupted);
  }
  return summary.failed() == 0 ? 0 : 1;
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
  add_delivery_options(*sub, o->delivery, "The endpoint to POST to",
                       "Seconds to connect, and to get an answer", payload);
  add_signature_options(*sub, o->signature);

  sub->add_option("--set", o->sets, "Override a generated field: PATH=VALUE (as in generate)")
      ->allow_extra_args(false)
      ->group(payload);
  sub->add_option("--seed", o->seed, "Seed for generated values (and exponential jitter)")
      ->group(payload);
  sub->add_option("-H,--header", o->headers,
                  "Extra header 'Name: value'; repeatable; one the signature sets is replaced")
      ->allow_extra_args(false)
      ->group(payload);
  sub->add_option("--id", o->id, "The webhook-id (default: a fresh one per delivery)")
      ->group(payload);
  sub->add_option("--timestamp", o->timestamp,
                  "Sign with this time, Unix seconds or ISO-8601 (default: now): a stale "
                  "delivery on purpose")
      ->group(payload);

  const std::string many = "Many deliveries";
  sub->add_option("-n,--count", o->count, "Deliveries of each event (of --file: copies)")
      ->default_val(1)
      ->group(many);
  sub->add_option("-c,--concurrency", o->concurrency, "Deliveries in flight at once")
      ->default_val(1)
      ->group(many);
  sub->add_option("--rate", o->rate, "At most this many deliveries per second")->group(many);

  const std::string chaos = "A provider's habits";
  sub->add_option("--duplicates", o->duplicates,
                  "Redeliver each delivery with probability P (same webhook-id and body, a fresh "
                  "signature, 1 to 16 deliveries later)")
      ->type_name("P")
      ->group(chaos);
  sub->add_option("--reorder", o->reorder,
                  "Shuffle the order deliveries leave in, within windows of N (payload times "
                  "keep the story's order)")
      ->type_name("N")
      ->group(chaos);

  const std::string retry = "Retries";
  const auto* retries =
      sub->add_option("--retries", o->retries, "Retry a failed delivery up to N times")
          ->group(retry);
  const auto* schedule =
      sub->add_option("--schedule", o->schedule,
                      "Waits: standard, exponential or a LIST like 0,5s,1m (needs --retries)")
          ->default_val("standard")
          ->group(retry);
  const auto* max_wait =
      sub->add_option("--max-wait", o->max_wait, "Longest wait before a retry (needs --retries)")
          ->default_val("60s")
          ->group(retry);

  sub->add_flag("--show-response", o->show_response, "Show the response body of every delivery");
  sub->add_flag("--no-store", o->no_store, "Do not keep sent deliveries in the event store");
  add_store_option(*sub, o->store);
  sub->add_flag("--json", o->json, "JSON lines: one object per delivery, then {\"summary\"}");
  sub->add_flag("-q,--quiet", o->quiet, "No line per delivery, only the summary");
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
  sub->callback([o, &exit_code, retries, schedule, max_wait] {
    require_retries(*retries, {schedule, max_wait});
    exit_code = run_send(*o);
  });
}

} // namespace linkhook::cmd
