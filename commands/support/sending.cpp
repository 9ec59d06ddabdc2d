#include "support/sending.hpp"

#include "base/duration.hpp"
#include "base/error.hpp"
#include "base/random.hpp"
#include "base/signals.hpp"
#include "base/terminal.hpp"
#include "delivery/send_report.hpp"
#include "store/batch_writer.hpp"
#include "support/store_options.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <fmt/format.h>
#include <memory>
#include <unistd.h>

namespace linkhook::cmd {

namespace {

// The plan of --duplicates and --reorder is made up front: 8 bytes a delivery.
constexpr std::uint64_t k_max_planned = 100'000'000;

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

} // namespace

// --schedule and --max-wait shape the waits between attempts: without --retries there is one
// attempt and they would be ignored, silently.
void RetryFlags::check() const {
  if (retries->count() > 0) {
    return;
  }
  for (const auto* option : {schedule, max_wait}) {
    if (option->count() > 0) {
      throw Error(fmt::format("{} needs --retries N: without it a failed delivery is not retried",
                              option->get_name()));
    }
  }
}

RetryFlags add_sending_flags(CLI::App& sub, SendOptions& o, bool url_required,
                             const std::string& payload_group) {
  add_delivery_options(sub, o.delivery, "The endpoint to POST to",
                       "Seconds to connect, and to get an answer", payload_group, url_required);
  add_signature_options(sub, o.signature);
  sub.add_option("-H,--header", o.headers,
                 "Extra header 'Name: value'; repeatable; one the signature sets is replaced")
      ->allow_extra_args(false)
      ->group(payload_group);

  const std::string many = "Many deliveries";
  sub.add_option("-c,--concurrency", o.concurrency, "Deliveries in flight at once")
      ->default_val(1)
      ->group(many);
  sub.add_option("--rate", o.rate, "At most this many deliveries per second")->group(many);

  const std::string chaos = "A provider's habits";
  sub.add_option("--duplicates", o.duplicates,
                 "Redeliver each delivery with probability P (same webhook-id and body, a fresh "
                 "signature, 1 to 16 deliveries later)")
      ->type_name("P")
      ->group(chaos);
  sub.add_option("--reorder", o.reorder,
                 "Shuffle the order deliveries leave in, within windows of N (payload times "
                 "keep the story's order)")
      ->type_name("N")
      ->group(chaos);

  const std::string retry = "Retries";
  RetryFlags flags;
  flags.retries =
      sub.add_option("--retries", o.retries, "Retry a failed delivery up to N times")->group(retry);
  flags.schedule =
      sub.add_option("--schedule", o.schedule,
                     "Waits: standard, exponential or a LIST like 0,5s,1m (needs --retries)")
          ->default_val("standard")
          ->group(retry);
  flags.max_wait =
      sub.add_option("--max-wait", o.max_wait, "Longest wait before a retry (needs --retries)")
          ->default_val("60s")
          ->group(retry);

  sub.add_flag("--show-response", o.show_response, "Show the response body of every delivery");
  sub.add_flag("--no-store", o.no_store, "Do not keep sent deliveries in the event store");
  add_store_option(sub, o.store);
  sub.add_flag("--json", o.json, "JSON lines: one object per delivery, then {\"summary\"}");
  sub.add_flag("-q,--quiet", o.quiet, "No line per delivery, only the summary");
  return flags;
}

void configure_sending(const SendOptions& o, const Secret& secret, SendConfig& config) {
  check_counts(o);
  config.delivery = delivery_config(o.delivery, o.signature);
  config.delivery.secret = &secret;
  for (const auto& line : o.headers) {
    auto header = parse_header_line(line);
    warn_if_signed(header.name, config.delivery.scheme, config.extra_headers);
    config.extra_headers.add(std::move(header.name), std::move(header.value));
  }
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
}

int run_sending(const SendOptions& o, SendConfig& config) {
  SignalWatch signals; // first: every thread started from here on leaves the signals to it
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

} // namespace linkhook::cmd
