#include "base/error.hpp"
#include "base/terminal.hpp"
#include "base/text.hpp"
#include "commands.hpp"
#include "listen/listen_report.hpp"
#include "listen/listener.hpp"
#include "schema/payload_validator.hpp"
#include "signing/signature.hpp"
#include "store/batch_writer.hpp"
#include "store/event_store.hpp"
#include "support/inspect_options.hpp"
#include "support/signature_options.hpp"
#include "support/store_options.hpp"
#include "version.hpp"

#include <fmt/format.h>
#include <malloc.h>
#include <memory>
#include <mutex>
#include <optional>

namespace linkhook::cmd {

namespace {

struct ListenOptions { // largest members first: no padding between them
  std::string host = "127.0.0.1";
  std::string path = "/";
  SignatureOptions signature;
  std::vector<std::string> events;
  std::vector<std::string> filters;
  std::optional<std::string> forward_to;
  std::optional<std::string> store;
  std::optional<std::string> tls_cert;
  std::optional<std::string> tls_key;
  std::optional<long long> max_events;
  std::optional<double> timeout;
  std::optional<std::uint64_t> seed;
  std::int64_t tolerance = k_default_tolerance_s;
  double forward_timeout = 10;
  long long fail_first = 0;
  double fail_rate = 0;
  long long max_body = 1 << 20;
  std::optional<int> status;
  std::optional<int> retry_after;
  int port = 4000;
  int delay = 0;
  int threads = 32;
  int max_connections = 4096;
  int io_timeout = 5;
  bool per_id = false;
  bool validate = false;
  bool no_store = false;
  bool inspect = false;
  std::string inspect_addr = "127.0.0.1:4040";
  bool json = false;
  bool quiet = false;
};

// The longest waits the options take: beyond them a time overflows on its way to the clock (a
// --timeout of 1e10 seconds used to stop at once), and nobody waits that long on purpose.
constexpr double k_max_timeout_s = 365 * 24 * 3600; // one year
constexpr double k_max_forward_timeout_s = 24 * 3600;
constexpr int k_max_io_timeout_s = 24 * 3600;
constexpr int k_max_delay_ms = 3600 * 1000;

// A number of seconds in (0, max]: anything else (NaN included) is a usage error naming the range.
void check_seconds(std::string_view flag, double value, double max) {
  if (!(value > 0 && value <= max)) {
    throw Error(
        fmt::format("{} must be more than 0 and at most {} seconds, got {}", flag, max, value));
  }
}

void check_options(const ListenOptions& o) {
  if (o.path.empty() || o.path.front() != '/') {
    throw Error(fmt::format("--path must start with '/', got '{}'", o.path));
  }
  if (o.port < 0 || o.port > 65535) {
    throw Error(fmt::format("--port must be 0 to 65535, got {}", o.port));
  }
  if (o.max_events && *o.max_events < 1) {
    throw Error(fmt::format("--max-events must be at least 1, got {}", *o.max_events));
  }
  if (o.timeout) {
    check_seconds("--timeout", *o.timeout, k_max_timeout_s);
  }
  check_seconds("--forward-timeout", o.forward_timeout, k_max_forward_timeout_s);
  if (o.io_timeout < 1 || o.io_timeout > k_max_io_timeout_s) {
    throw Error(fmt::format("--io-timeout must be 1 to {} seconds, got {}", k_max_io_timeout_s,
                            o.io_timeout));
  }
  if (o.delay < 0 || o.delay > k_max_delay_ms) {
    throw Error(
        fmt::format("--delay must be 0 to {} milliseconds, got {}", k_max_delay_ms, o.delay));
  }
  if (o.inspect && o.no_store) {
    throw Error("--inspect shows the event store, and --no-store keeps nothing in it");
  }
  if (o.fail_first < 0 || o.max_body < 1 || o.threads < 1 || o.max_connections < 1 ||
      o.tolerance < 0) {
    throw Error("--fail-first and --tolerance must not be negative; --max-body, --threads and "
                "--max-connections must be at least 1");
  }
}

ListenerConfig make_config(const ListenOptions& o) {
  ListenerConfig config;
  config.host = o.host;
  config.port = o.port;
  config.path = o.path;
  config.max_body = static_cast<std::size_t>(o.max_body);
  config.delay_ms = o.delay;
  config.threads = static_cast<std::size_t>(o.threads);
  config.max_connections = static_cast<std::size_t>(o.max_connections);
  config.io_timeout_s = o.io_timeout;
  config.tls_cert = o.tls_cert;
  config.tls_key = o.tls_key;
  if (o.forward_to) {
    config.forward_to = parse_url(*o.forward_to);
    if (!config.forward_to) {
      throw Error(
          fmt::format("--forward-to '{}' is not an http:// or https:// URL", *o.forward_to));
    }
  }
  config.forward_timeout_s = o.forward_timeout;
  return config;
}

std::string_view why_stopped(StopReason reason) {
  switch (reason) {
  case StopReason::max_events:
    return "--max-events reached";
  case StopReason::timeout:
    return "--timeout reached";
  case StopReason::signal:
    break;
  }
  return "interrupted";
}

int run_listen(const ListenOptions& o) {
  SignalWatch signals; // first: every thread started from here on leaves the signals to it
  // The listener's threads hand memory to each other (an event loop allocates what the store's
  // writer frees after its sync): with an arena per thread, glibc's memory crept up 20% over a
  // million deliveries (bench/soak); with one it stays flat, at the same speed.
  ::mallopt(M_ARENA_MAX, 1);
  check_options(o);
  const auto scheme = resolve_scheme(o.signature);
  const auto secret = resolve_secret(o.signature);
  FailureOptions failures{
      static_cast<std::uint64_t>(o.fail_first), o.fail_rate, o.status, o.retry_after,
      o.seed.value_or(Random::fresh_seed()),    o.per_id};
  PayloadFilter filter(o.events, o.filters);

  const auto storing = o.no_store ? StoreWriting{} : open_for_writing(store_dir(o.store));
  const bool color = !o.json && color_enabled(stdout);
  ListenerHooks hooks;
  hooks.verify = [scheme, &secret, tolerance = o.tolerance](const Headers& headers,
                                                            std::string_view body) {
    const auto result = verify(scheme, secret, headers, body, unix_now(), tolerance);
    // Only a rejection has an answer to word (and a fingerprint to take out of it).
    auto answer = result.valid ? std::string() : secret.without_fingerprint(result.reason);
    return SignatureCheck{result.valid, result.reason, std::move(answer)};
  };
  const auto validator = o.validate ? std::make_unique<PayloadValidator>() : nullptr;
  if (validator) {
    hooks.validate = [&validator](std::string_view body) -> std::optional<std::string> {
      const auto violation = validator->check(body);
      return violation ? std::optional(describe(*violation)) : std::nullopt;
    };
  }
  if (storing.writer) {
    hooks.persist = [writer = storing.writer.get()](const Headers& headers, std::string_view body,
                                                    const ReceivedDelivery& delivery,
                                                    ListenerHooks::Persisted done) {
      writer->commit_later(received_record(headers, body, delivery), std::move(done));
    };
  }
  if (!o.quiet) {
    hooks.report = [json = o.json, color](const ReceivedDelivery& delivery) {
      write_now(stdout, json ? listen_json_line(delivery) : listen_human_line(delivery, color));
    };
  }
  Listener listener(make_config(o), std::move(filter), failures, std::move(hooks));
  std::unique_ptr<Inspector> inspector;
  if (o.inspect) {
    auto config = parse_inspect_addr(o.inspect_addr, "--inspect-addr");
    config.store = storing.store->dir();
    config.scheme = scheme;
    config.secret = secret;
    config.user_agent = fmt::format("linkhook/{}", k_version);
    inspector = std::make_unique<Inspector>(config);
    warn_if_exposed(config);
    inspector->start();
  }
  if (o.json) {
    write_now(stdout, inspector ? fmt::format("{{\"listening\":\"{}\",\"inspector\":\"{}\"}}\n",
                                              listener.url(), inspector->url())
                                : fmt::format("{{\"listening\":\"{}\"}}\n", listener.url()));
  } else {
    write_now(stdout, listener.url() + "\n");
  }
  if (inspector && !o.json) {
    fmt::print(stderr, "Inspector: {}\n", inspector->url());
  }
  if (!o.json) {
    fmt::print(stderr, "Verifying {} signatures with {}; {}. Ctrl-C stops.\n", scheme_name(scheme),
               secret.describe(),
               storing.store ? fmt::format("storing in {}", storing.store->dir().string())
                             : "not storing");
  }

  RunLimits limits;
  if (o.max_events) {
    limits.max_events = static_cast<std::uint64_t>(*o.max_events);
  }
  if (o.timeout) {
    limits.timeout = std::chrono::milliseconds(static_cast<std::int64_t>(*o.timeout * 1000));
  }
  const auto reason = listener.run(limits, signals);
  const auto stats = listener.stats();
  std::string why(why_stopped(reason));
  const bool short_of_events = reason == StopReason::timeout && o.max_events;
  if (short_of_events) {
    why =
        fmt::format("--timeout reached with {} of {}", stats.deliveries - stats.filtered,
                    count_of(static_cast<std::uint64_t>(*o.max_events), "delivery", "deliveries"));
  }
  fmt::print(stderr, "{}", listen_summary_text(stats, why));
  if (reason == StopReason::signal) {
    return static_cast<int>(ExitCode::interrupted);
  }
  // Accepted end to end: verified, and taken by the application and the store. The failures
  // --fail-first, --fail-rate and --status ask for are the endpoint doing its job.
  const bool all_accepted =
      stats.rejected == 0 && stats.forward_failed == 0 && stats.store_failed == 0;
  return (all_accepted && !short_of_events) ? 0 : 1;
}

} // namespace

void add_listen(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<ListenOptions>();
  auto* sub = app.add_subcommand(
      "listen", "Run a local webhook endpoint that verifies, stores, forwards and can fail");
  const std::string where = "Where";
  sub->add_option("--host", o->host, "Address to bind")->default_val("127.0.0.1")->group(where);
  sub->add_option("--port", o->port, "Port; 0 takes a free one")->default_val(4000)->group(where);
  sub->add_option("--path", o->path, "Path deliveries are POSTed to")
      ->default_val("/")
      ->group(where);
  sub->add_option("--tls-cert", o->tls_cert, "Serve HTTPS with this PEM certificate")
      ->type_name("FILE")
      ->group(where);
  sub->add_option("--tls-key", o->tls_key, "The certificate's PEM private key")
      ->type_name("FILE")
      ->group(where);

  add_signature_options(*sub, o->signature);
  sub->add_option("--tolerance", o->tolerance, "Seconds a timestamp may be off, either way")
      ->default_val(k_default_tolerance_s);

  const std::string which = "Which deliveries";
  sub->add_option("--events", o->events, "Only these events (globs, comma-separated)")
      ->type_name("EVENT")
      ->delimiter(',')
      ->group(which);
  sub->add_option("--filter", o->filters, "Only payloads whose field matches: PATH=VALUE")
      ->allow_extra_args(false)
      ->group(which);
  sub->add_flag("--validate", o->validate,
                "Answer 422 to a verified payload that does not match its event's schema "
                "(linkhook schema), naming the violation")
      ->group(which);
  sub->add_option("--max-body", o->max_body, "Largest body accepted (bytes); larger: 413")
      ->default_val(1 << 20)
      ->group(which);

  const std::string fail = "Failing on purpose";
  sub->add_option("--fail-first", o->fail_first, "Fail the first N verified deliveries")
      ->group(fail);
  sub->add_flag("--per-id", o->per_id, "--fail-first counts per webhook-id: each id's first N fail")
      ->group(fail);
  sub->add_option("--fail-rate", o->fail_rate, "Then fail each with probability P (0-1)")
      ->group(fail);
  sub->add_option("--seed", o->seed, "Seed for --fail-rate")->group(fail);
  sub->add_option("--status", o->status,
                  "Status of the failures (default 500); alone, the answer to every delivery")
      ->group(fail);
  sub->add_option("--retry-after", o->retry_after, "Retry-After seconds sent with 429 and 503")
      ->group(fail);
  sub->add_option("--delay", o->delay, "Wait this many milliseconds before answering")->group(fail);

  const std::string then = "Stopping, storing, forwarding";
  sub->add_option("--max-events", o->max_events,
                  "Stop after N deliveries (those --events/--filter leave out do not count)")
      ->group(then);
  sub->add_option("--timeout", o->timeout, "Stop after this many seconds (at most a year)")
      ->group(then);
  sub->add_option("--forward-to", o->forward_to, "Relay verified deliveries to this URL")
      ->group(then);
  sub->add_option("--forward-timeout", o->forward_timeout, "Seconds to wait for --forward-to")
      ->default_val(10)
      ->group(then);
  sub->add_flag("--inspect", o->inspect,
                "Serve the inspector's JSON API over the store too (see linkhook inspect)")
      ->group(then);
  sub->add_option("--inspect-addr", o->inspect_addr, "Where the inspector listens (port 0: free)")
      ->type_name("HOST:PORT")
      ->capture_default_str()
      ->group(then);
  sub->add_flag("--no-store", o->no_store, "Do not keep deliveries in the event store")
      ->group(then);
  add_store_option(*sub, o->store);
  sub->add_option("--threads", o->threads, "Threads answering deliveries that wait on --forward-to")
      ->default_val(32)
      ->group(then);
  sub->add_option("--max-connections", o->max_connections,
                  "Connections held at once; beyond, the one idle longest is closed")
      ->default_val(4096)
      ->group(then);
  sub->add_option("--io-timeout", o->io_timeout,
                  "Seconds a connection may idle or stall, and a request head may take")
      ->default_val(5)
      ->group(then);

  sub->add_flag("--json", o->json, "JSON lines: {\"listening\"}, then one object per delivery");
  sub->add_flag("-q,--quiet", o->quiet, "No line per delivery (the URL and summary remain)");
  sub->footer(
      "Exit status: 0 when every delivery was accepted end to end; 1 when one was not (a bad\n"
      "signature, not JSON, too large, the --forward-to application down or not answering\n"
      "2xx, the store failing) or --timeout came before --max-events; 130 when interrupted.\n"
      "Failures asked for (--fail-first, --fail-rate, --status) do not count against it.\n\n"
      "Examples:\n"
      "  linkhook listen --port 4000 --secret \"$LINKHOOK_SECRET\"\n"
      "  linkhook listen --port 0 --max-events 13 --timeout 30 --json > deliveries.jsonl &\n"
      "  linkhook listen --fail-first 2 --status 503 --retry-after 120 --events 'link.*'");
  sub->callback([o, &exit_code] { exit_code = run_listen(*o); });
}

} // namespace linkhook::cmd
