#include "base/error.hpp"
#include "base/random.hpp"
#include "base/signals.hpp"
#include "base/terminal.hpp"
#include "base/text.hpp"
#include "base/timestamp.hpp"
#include "commands.hpp"
#include "delivery/replay_report.hpp"
#include "delivery/replayer.hpp"
#include "store/batch_writer.hpp"
#include "store/event_store.hpp"
#include "support/delivery_options.hpp"
#include "support/signature_options.hpp"
#include "support/store_options.hpp"

#include <cctype>
#include <cmath>
#include <fmt/format.h>
#include <memory>
#include <optional>

namespace linkhook::cmd {

namespace {

struct ReplayOptions {
  std::vector<std::string> ids;
  bool all = false;
  std::optional<std::string> event;
  std::optional<std::string> since;
  bool failed = false;
  DeliveryOptions delivery;
  SignatureOptions signature;
  std::string schedule = "standard";
  std::optional<int> max_attempts;
  double time_scale = 0;
  int concurrency = 1;
  std::optional<std::uint64_t> seed;
  bool dry_run = false;
  bool no_store = false;
  std::optional<std::string> store;
  bool json = false;
  bool quiet = false;
};

// --since: a time (ISO-8601 or Unix seconds), or a duration with a unit before now ("2h").
std::int64_t since_ms(const std::string& text) {
  if (!text.empty() && std::isalpha(static_cast<unsigned char>(text.back())) != 0) {
    if (const auto ago = parse_duration(text)) {
      return unix_now_ms() - ago->count();
    }
  }
  if (const auto time = parse_timestamp(text)) {
    return *time * 1000;
  }
  throw Error(fmt::format("--since '{}' is not a time (2025-10-19T10:30:00Z, Unix seconds) or a "
                          "duration like 2h",
                          text));
}

ReplaySelection make_selection(const ReplayOptions& o) {
  const bool filtered = o.all || o.event || o.since || o.failed;
  if (o.ids.empty() && !filtered) {
    throw Error("name the events to replay: IDs, --all, --event GLOB, --since TIME or --failed");
  }
  if (!o.ids.empty() && filtered) {
    throw Error("give event IDs or --all/--event/--since/--failed, not both");
  }
  ReplaySelection selection;
  selection.ids = o.ids;
  selection.event = o.event;
  if (o.since) {
    selection.since_ms = since_ms(*o.since);
  }
  selection.failed = o.failed;
  return selection;
}

void check_numbers(const ReplayOptions& o) {
  if (!(o.time_scale >= 0 && std::isfinite(o.time_scale))) {
    throw Error(fmt::format("--time-scale must be 0 (simulated) or a positive factor, got {}",
                            o.time_scale));
  }
  if (o.concurrency < 1) {
    throw Error(fmt::format("--concurrency must be at least 1, got {}", o.concurrency));
  }
  if (o.max_attempts && *o.max_attempts < 1) {
    throw Error(fmt::format("--max-attempts must be at least 1, got {}", *o.max_attempts));
  }
}

ReplayConfig make_config(const ReplayOptions& o) {
  check_numbers(o);
  ReplayConfig config;
  config.delivery = delivery_config(o.delivery, o.signature);
  config.seed = o.seed.value_or(Random::fresh_seed());
  config.policy.schedule = RetrySchedule::parse(o.schedule, config.seed);
  if (o.max_attempts) {
    config.policy.max_attempts = static_cast<std::size_t>(*o.max_attempts);
  }
  config.time_scale = o.time_scale;
  config.delivery.concurrency = static_cast<std::size_t>(o.concurrency);
  return config;
}

std::string clock_words(double time_scale) {
  if (time_scale == 0) {
    return "on the virtual clock (no waiting)";
  }
  return time_scale == 1 ? std::string("in real time")
                         : fmt::format("with waits scaled by {}", time_scale);
}

int run_dry_run(const ReplayOptions& o, const ReplayConfig& config,
                const std::vector<ReplayEvent>& events) {
  std::string out;
  for (const auto& event : events) {
    const auto offsets = planned_offsets(event_policy(config, event));
    out += o.json ? planned_json(event, offsets) : planned_text(event, offsets);
  }
  write_all(stdout, out);
  if (!o.json) {
    fmt::print(stderr, "--dry-run: {} planned against {}, nothing sent\n",
               count_of(events.size(), "event"), config.delivery.client.url.str());
  }
  return 0;
}

int run_replay(const ReplayOptions& o) {
  SignalWatch signals; // first: every thread started from here on leaves the signals to it
  const auto selection = make_selection(o);
  auto config = make_config(o);
  const auto dir = store_dir(o.store);
  StoreScan scan;
  const auto events = select_replay_events(dir, selection, scan);
  report_damage(scan, dir);
  if (events.empty()) { // --failed, and no replay failed
    fmt::print(stderr,
               "linkhook: note: no event in {} has a failed latest replay; nothing to "
               "replay\n",
               dir.string());
    write_all(stdout, o.json ? replay_summary_json(ReplaySummary{}) : "");
    return 0;
  }
  if (o.dry_run) {
    return run_dry_run(o, config, events);
  }
  const auto secret = resolve_secret(o.signature);
  config.delivery.secret = &secret;
  // The selected bodies are read as their events are replayed, not held all at once.
  const StoreReader reader(dir, scan);
  config.body_of = [&reader](const ReplayEvent& event) -> std::optional<std::string> {
    auto record = reader.at(event.offset);
    if (!record || record->id != event.id) {
      return std::nullopt;
    }
    return std::move(record->body);
  };
  std::atomic<bool> stop{false};
  config.delivery.stop = &stop;
  // The histories, durable before the summary.
  const auto storing = o.no_store ? StoreWriting{} : open_for_writing(dir);
  if (!o.json) {
    fmt::print(stderr, "Replaying {} to {} {}, {} signatures with {}\n",
               count_of(events.size(), "event"), config.delivery.client.url.str(),
               clock_words(o.time_scale), scheme_name(config.delivery.scheme), secret.describe());
  }
  const bool color = !o.json && color_enabled(stdout);
  ReplayHooks hooks;
  if (o.quiet) {
    // the summary only
  } else if (o.json) {
    hooks.attempted = [real_time = o.time_scale > 0](const ReplayEvent& event,
                                                     const Attempt& attempt) {
      const auto line = replay_attempt_json(event, attempt);
      if (real_time) {
        write_now(stdout, line); // a reader follows the attempts as they happen
      } else {
        write_all(stdout, line);
      }
    };
  } else if (o.time_scale > 0) {
    // Waits take time: each attempt is shown once, as it happens, not again in a timeline.
    hooks.attempted = [](const ReplayEvent& event, const Attempt& attempt) {
      write_now(stdout, replay_progress_line(event, attempt));
    };
  } else {
    hooks.finished = [color](const ReplayedEvent& replayed) {
      write_all(stdout, replay_timeline_text(replayed, color));
    };
  }
  if (storing.writer) {
    hooks.persist = [writer = storing.writer.get(), &config](const ReplayedEvent& replayed) {
      writer->queue(attempts_record(replayed, config.delivery.client.url));
    };
  }
  const auto summary = [&] {
    StopOnSignal watch(signals, stop);
    return replay_events(events, config, hooks);
  }();
  if (storing.writer) {
    storing.writer->finish();
  }
  write_all(stdout, o.json ? replay_summary_json(summary) : replay_summary_text(summary));
  if (stop) {
    return static_cast<int>(ExitCode::interrupted);
  }
  return summary.delivered == events.size() ? 0 : 1;
}

} // namespace

void add_replay(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<ReplayOptions>();
  auto* sub = app.add_subcommand(
      "replay", "Re-send stored events, retrying failures on a schedule (simulated or real time)");
  const std::string which = "Which events";
  sub->add_option("id", o->ids, "Stored event ids (webhook-ids) to replay")->group(which);
  sub->add_flag("--all", o->all, "Every stored event")->group(which);
  sub->add_option("--event", o->event, "Stored events whose name matches this glob ('link.*')")
      ->type_name("GLOB")
      ->group(which);
  sub->add_option("--since", o->since, "Stored at or after TIME (ISO-8601, Unix seconds) or 2h ago")
      ->type_name("TIME")
      ->group(which);
  sub->add_flag("--failed", o->failed, "Events whose latest replay gave up or was gone")
      ->group(which);
  add_store_option(*sub, o->store)->group(which);

  const std::string retry = "Retries";
  add_delivery_options(*sub, o->delivery, "The endpoint to replay to",
                       "Seconds to connect, and to get an answer, per attempt", retry);
  add_signature_options(*sub, o->signature);

  sub->add_option("--schedule", o->schedule,
                  "standard (0s 5s 5m 30m 2h 5h 10h 10h), exponential, or a LIST like 0,5s,1m")
      ->default_val("standard")
      ->group(retry);
  sub->add_option("--max-attempts", o->max_attempts,
                  "Attempts in all (default: the schedule's; past a LIST its last wait repeats)")
      ->group(retry);
  sub->add_option("--time-scale", o->time_scale,
                  "0: simulate the waits (no sleeping); 1: real time; 0.001: a day in ~90s")
      ->default_val(0)
      ->group(retry);
  sub->add_option("--seed", o->seed, "Seed for the exponential schedule's jitter")->group(retry);
  sub->add_option("-c,--concurrency", o->concurrency,
                  "Events replayed at once, each on its own timeline")
      ->default_val(1)
      ->group(retry);

  sub->add_flag("--dry-run", o->dry_run, "Print the planned attempts; send nothing");
  sub->add_flag("--no-store", o->no_store, "Do not write the attempt history back to the store");
  sub->add_flag("--json", o->json, "JSON lines: one object per attempt, then {\"summary\"}");
  sub->add_flag("-q,--quiet", o->quiet, "No timeline or line per attempt, only the summary");
  sub->footer(
      "Each attempt is signed afresh: the same webhook-id, a fresh timestamp. 2xx ends an event\n"
      "as delivered, 410 as gone; anything else (3xx included, not followed), a timeout or a\n"
      "connection error is retried; a 429 or 503 Retry-After longer than the scheduled wait is\n"
      "honoured. Events that gave up are listed by 'linkhook store list --failed'.\n\n"
      "With --time-scale above 0, each attempt is printed once, as it happens.\n\n"
      "Exit status: 0 when every event was delivered (or --failed found none to replay), 1\n"
      "otherwise, 2 for a usage error, 130 when interrupted.\n\n"
      "Examples:\n"
      "  linkhook replay msg_2KWPBgLlAfxdpx2AI54pPJ85f4W --url http://localhost:3000/webhooks\n"
      "  linkhook replay --event 'link.*' --since 2h --url \"$URL\" --schedule 0,5s,1m --json\n"
      "  linkhook replay --all --url \"$URL\" --dry-run\n"
      "  linkhook replay --failed --url \"$URL\" --time-scale 0.001");
  sub->callback([o, &exit_code] { exit_code = run_replay(*o); });
}

} // namespace linkhook::cmd
