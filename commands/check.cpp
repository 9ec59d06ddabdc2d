#include "base/error.hpp"
#include "base/random.hpp"
#include "base/signals.hpp"
#include "base/terminal.hpp"
#include "base/text.hpp"
#include "check/endpoint_check.hpp"
#include "commands.hpp"
#include "support/delivery_options.hpp"
#include "support/signature_options.hpp"
#include "version.hpp"

#include <algorithm>
#include <atomic>
#include <fmt/format.h>
#include <map>
#include <nlohmann/json.hpp>

namespace linkhook::cmd {

namespace {

struct CheckOptions {
  DeliveryOptions delivery;
  SignatureOptions signature;
  double tolerance = 300;
  std::vector<std::string> only;
  std::vector<std::string> skip;
  std::vector<std::string> headers;
  std::optional<std::uint64_t> seed;
  bool json = false;
};

// The checks to run: --only's (all by default) without --skip's. Throws Error (usage) for a
// name that is no check, naming the closest.
std::vector<std::string> selected_checks(const CheckOptions& o) {
  const auto names = check_names();
  for (const auto* list : {&o.only, &o.skip}) {
    for (const auto& name : *list) {
      if (std::find(names.begin(), names.end(), name) == names.end()) {
        throw Error(fmt::format("{}: '{}' is no check{}", list == &o.only ? "--only" : "--skip",
                                name, did_you_mean(name, names)));
      }
    }
  }
  std::vector<std::string> selected;
  for (const auto name : names) {
    const auto listed = [&](const std::vector<std::string>& list) {
      return std::find(list.begin(), list.end(), name) != list.end();
    };
    if ((o.only.empty() || listed(o.only)) && !listed(o.skip)) {
      selected.emplace_back(name);
    }
  }
  if (selected.empty()) {
    throw Error("--only and --skip leave no check to run");
  }
  return selected;
}

Color verdict_color(CheckVerdict verdict) {
  switch (verdict) {
  case CheckVerdict::pass:
    return Color::green;
  case CheckVerdict::fail:
    return Color::red;
  case CheckVerdict::warn:
    return Color::yellow;
  case CheckVerdict::skip:
    break;
  }
  return Color::dim;
}

int run_check(const CheckOptions& o) {
  const auto names = selected_checks(o);
  if (!(o.tolerance >= 1 && o.tolerance <= 86400 * 365)) {
    throw Error(
        fmt::format("--tolerance: {} is not a number of seconds from 1 to a year", o.tolerance));
  }
  EndpointCheckConfig config;
  config.delivery = delivery_config(o.delivery, o.signature);
  config.delivery.client.user_agent = fmt::format("linkhook/{}", k_version);
  const auto secret = resolve_secret(o.signature);
  config.delivery.secret = &secret;
  for (const auto& line : o.headers) {
    auto header = parse_header_line(line);
    config.headers.add(std::move(header.name), std::move(header.value));
  }
  config.tolerance_s = static_cast<std::int64_t>(o.tolerance);
  config.seed = o.seed.value_or(Random::fresh_seed());

  SignalWatch signals; // first: every thread started from here on leaves the signals to it
  std::atomic<bool> stop{false};
  config.delivery.stop = &stop;
  const bool color = !o.json && color_enabled(stdout);
  if (!o.json) {
    fmt::print(stderr, "Checking {} with {} checks ({} signatures, secret {})\n",
               config.delivery.client.url.str(), names.size(), scheme_name(config.delivery.scheme),
               secret.describe());
  }
  std::vector<CheckResult> results;
  {
    StopOnSignal watch(signals, stop);
    results = run_endpoint_checks(config, names, [&](const CheckResult& r) {
      if (!o.json) {
        const auto verdict = fmt::format("{:<4}", check_verdict_name(r.verdict));
        write_now(stdout, fmt::format("{:<26} {}  {}\n", r.name,
                                      paint(verdict, verdict_color(r.verdict), color), r.detail));
      }
    });
  }
  std::map<CheckVerdict, std::size_t> counts;
  for (const auto& r : results) {
    ++counts[r.verdict];
  }
  if (o.json) {
    auto checks = nlohmann::ordered_json::array();
    for (const auto& r : results) {
      checks.push_back(
          {{"name", r.name}, {"verdict", check_verdict_name(r.verdict)}, {"detail", r.detail}});
    }
    nlohmann::ordered_json summary;
    for (const auto verdict :
         {CheckVerdict::pass, CheckVerdict::fail, CheckVerdict::warn, CheckVerdict::skip}) {
      summary[std::string(check_verdict_name(verdict))] = counts[verdict];
    }
    write_now(stdout, nlohmann::ordered_json{{"checks", checks}, {"summary", summary}}.dump(
                          -1, ' ', false, nlohmann::json::error_handler_t::replace) +
                          "\n");
  } else {
    write_now(stdout, fmt::format("{} checks: {} pass, {} fail, {} warn, {} skip\n", results.size(),
                                  counts[CheckVerdict::pass], counts[CheckVerdict::fail],
                                  counts[CheckVerdict::warn], counts[CheckVerdict::skip]));
  }
  if (stop) {
    return 130;
  }
  return counts[CheckVerdict::fail] > 0 ? 1 : 0;
}

} // namespace

void add_check(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<CheckOptions>();
  auto* sub =
      app.add_subcommand("check", "Grade an endpoint against genuine and forged deliveries");
  const std::string battery = "The battery";
  add_delivery_options(*sub, o->delivery, "The endpoint to check",
                       "Seconds an answer may take (answers_in_time warns above half)", battery);
  add_signature_options(*sub, o->signature);
  sub->add_option("--tolerance", o->tolerance,
                  "Seconds from now the endpoint accepts a timestamp: the stale and future "
                  "deliveries are signed beyond it")
      ->default_val(300)
      ->group(battery);
  sub->add_option("--only", o->only, "Run only these checks (comma-separated, repeatable)")
      ->delimiter(',')
      ->allow_extra_args(false)
      ->type_name("CHECK")
      ->group(battery);
  sub->add_option("--skip", o->skip, "Leave out these checks (comma-separated, repeatable)")
      ->delimiter(',')
      ->allow_extra_args(false)
      ->type_name("CHECK")
      ->group(battery);
  sub->add_option("-H,--header", o->headers,
                  "A header of the endpoint's own 'Name: value' (its authentication), sent with "
                  "every delivery; repeatable")
      ->allow_extra_args(false)
      ->group(battery);
  sub->add_option("--seed", o->seed, "Seed for the generated payloads")->group(battery);
  sub->add_flag("--json", o->json,
                "One JSON object: {\"checks\": [{name, verdict, detail}], \"summary\"}");
  sub->footer(
      "Sends a battery of deliveries, genuine and forged, and grades the answers. Each check\n"
      "is pass, fail, warn or skip, and says what it sent, what came back and what to change:\n"
      "  accepts_genuine            the 13 events, signed (some pretty-printed), get 2xx\n"
      "  rejects_tampered_body      a body changed after signing is refused\n"
      "  rejects_wrong_secret       a delivery signed with another secret is refused\n"
      "  rejects_missing_signature  a delivery without its signature header is refused\n"
      "  rejects_stale_timestamp    a timestamp older than --tolerance is refused\n"
      "  rejects_future_timestamp   a timestamp further ahead than --tolerance is refused\n"
      "  accepts_redelivery         the same webhook-id again gets 2xx, not an error\n"
      "  accepts_unknown_event      an event it has never seen gets 2xx\n"
      "  handles_concurrency        16 genuine deliveries at once all get 2xx\n"
      "  answers_in_time            every genuine answer within --timeout (warn above half)\n"
      "A forged delivery answered 2xx fails; refused with 5xx, it warns. The github scheme has\n"
      "no timestamp: its timestamp checks skip. Payloads come from generate: sample data only.\n\n"
      "Exit status: 0 when no check failed, 1 when one did, 2 for a usage error, 130 when\n"
      "interrupted.\n\n"
      "Examples:\n"
      "  linkhook check --url http://localhost:3000/webhooks --secret \"$WEBHOOK_SECRET\"\n"
      "  linkhook check --url \"$STAGING_URL\" -H \"Authorization: Bearer $TOKEN\" --json > "
      "check.json\n"
      "  linkhook check --url \"$URL\" --scheme github --skip handles_concurrency");
  sub->callback([o, &exit_code] { exit_code = run_check(*o); });
}

} // namespace linkhook::cmd
