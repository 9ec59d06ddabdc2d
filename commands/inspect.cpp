#include "base/clock.hpp"
#include "base/error.hpp"
#include "base/signals.hpp"
#include "base/terminal.hpp"
#include "commands.hpp"
#include "inspect/inspector.hpp"
#include "support/inspect_options.hpp"
#include "support/signature_options.hpp"
#include "support/store_options.hpp"
#include "version.hpp"

#include <chrono>
#include <cstdlib>
#include <fmt/format.h>
#include <poll.h>

namespace linkhook::cmd {

namespace {

struct InspectOptions {
  SignatureOptions signature;
  std::optional<std::string> store;
  std::string addr = "127.0.0.1:4040";
  std::optional<double> timeout;
  bool json = false;
};

int run_inspect(const InspectOptions& o) {
  auto config = parse_inspect_addr(o.addr, "--addr");
  config.store = store_dir(o.store);
  config.scheme = resolve_scheme(o.signature);
  // The secret is for replays only: without one the inspector serves, and says so to a replay.
  if (o.signature.secret || o.signature.secret_file ||
      std::getenv(k_secret_env.data()) != nullptr) {
    config.secret = resolve_secret(o.signature);
  }
  config.user_agent = fmt::format("linkhook/{}", k_version);
  SignalWatch signals;
  Inspector inspector(config);
  warn_if_exposed(config);
  write_now(stdout, o.json ? fmt::format("{{\"inspector\":\"{}\"}}\n", inspector.url())
                           : inspector.url() + "\n");
  if (!o.json) {
    fmt::print(stderr, "Inspecting {}. Ctrl-C stops.\n", config.store.string());
  }
  inspector.start();
  const auto deadline =
      o.timeout ? steady_after(*o.timeout) : std::chrono::steady_clock::time_point::max();
  while (true) {
    int wait_ms = -1;
    if (o.timeout) {
      const auto left =
          std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        return 0;
      }
      wait_ms = static_cast<int>(std::min<std::int64_t>(left.count(), 60000));
    }
    pollfd fd{signals.fd(), POLLIN, 0};
    if (::poll(&fd, 1, wait_ms) > 0) {
      signals.take();
      return static_cast<int>(ExitCode::interrupted);
    }
  }
}

} // namespace

void add_inspect(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<InspectOptions>();
  auto* sub = app.add_subcommand(
      "inspect", "Serve the event store as a JSON API: every delivery, filtered, newest first");
  add_store_option(*sub, o->store);
  add_signature_options(*sub, o->signature);
  sub->add_option("--addr", o->addr, "Listen on HOST:PORT (port 0: a free one)")
      ->type_name("HOST:PORT")
      ->capture_default_str();
  sub->add_option("--timeout", o->timeout, "Stop after SECONDS (exit 0)")
      ->type_name("SECONDS")
      ->check(CLI::Range(0.0, 1e9));
  sub->add_flag("--json", o->json, "The first line as {\"inspector\": URL}");
  sub->footer(
      "The API, relative to the URL it prints first (JSON):\n"
      "  GET api/deliveries?event=GLOB&kind=received|sent|attempt&verified=true|false&status=CODE\n"
      "      &q=TEXT&limit=N&before=CURSOR      newest first; \"next\" is the next page's cursor\n"
      "  GET api/deliveries/RECORD_ID          one record: headers in order, body\n"
      "  GET api/wait?event=GLOB&filter=PATH=VALUE&since=TIME&timeout=SECONDS\n"
      "      the first record stored since TIME (default: the start) that matches; 408 at the\n"
      "      timeout\n"
      "  POST api/deliveries/RECORD_ID/replay   with {\"url\": URL}: re-signs the record (same\n"
      "      webhook-id, fresh timestamp, the --secret given here) and sends it once; answers\n"
      "      the attempt {\"status\", \"ms\", \"ok\", ...}\n"
      "It answers 403 to a Host that is not its address (DNS rebinding) and to a POST from\n"
      "another Origin. It binds to loopback unless --addr names another address.\n\n"
      "Exit status: 0 after --timeout, 130 when interrupted, 2 when it cannot listen.\n\n"
      "Examples:\n"
      "  linkhook inspect\n"
      "  linkhook inspect --addr 127.0.0.1:0 --json --store ./ci-store &\n"
      "  curl -s 'http://127.0.0.1:4040/api/deliveries?event=link.*&verified=false' | jq");
  sub->callback([o, &exit_code] { exit_code = run_inspect(*o); });
}

} // namespace linkhook::cmd
