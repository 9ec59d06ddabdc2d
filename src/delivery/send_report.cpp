#include "delivery/send_report.hpp"

#include "base/terminal.hpp"
#include "base/text.hpp"

#include <cmath>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace linkhook {

double round_ms(double ms) {
  return std::round(ms * 10) / 10;
}

std::string outcome_reason(const DeliveryOutcome& outcome) {
  if (outcome.error != DeliveryError::none) {
    return outcome.error_text;
  }
  if (outcome.ok()) {
    return "delivered";
  }
  if (!outcome.location.empty()) {
    return fmt::format("redirected to {} (not followed)", outcome.location);
  }
  return fmt::format("HTTP {}", outcome.status);
}

StoreRecord sent_record(const SentDelivery& d, const Url& url) {
  StoreRecord record;
  record.id = d.id;
  record.kind = RecordKind::sent;
  record.event = d.event;
  record.time_ms = d.sent_at_ms;
  record.headers.assign(d.headers.begin(), d.headers.end());
  record.body = d.body;
  record.verdict = {false, false, d.outcome.status, outcome_reason(d.outcome)};
  record.extra = {{"url", url.str()},
                  {"ms", round_ms(d.outcome.ms)},
                  {"attempts", d.attempts},
                  {"error", delivery_error_name(d.outcome.error)}};
  if (!d.outcome.location.empty()) {
    record.extra["location"] = d.outcome.location;
  }
  return record;
}

std::string send_json_line(const SentDelivery& d, bool show_response) {
  const auto& outcome = d.outcome;
  nlohmann::ordered_json line = {{"id", d.id},
                                 {"event", d.event},
                                 {"status", outcome.status},
                                 {"ms", round_ms(outcome.ms)},
                                 {"ok", outcome.ok()}};
  if (outcome.error != DeliveryError::none) {
    line["error"] = delivery_error_name(outcome.error);
    line["reason"] = outcome.error_text;
  }
  if (!outcome.location.empty()) {
    line["location"] = outcome.location;
  }
  if (d.attempts > 1) {
    line["attempts"] = d.attempts;
  }
  if (d.planned) {
    line["story"] = d.planned->story;
    line["redelivery"] = d.planned->redelivery;
  }
  if ((show_response || !outcome.ok()) && outcome.error == DeliveryError::none) {
    line["response"] = outcome.body_prefix;
  }
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string send_human_line(const SentDelivery& d, bool show_response, bool color) {
  const auto& outcome = d.outcome;
  const auto status = outcome.error != DeliveryError::none
                          ? std::string(delivery_error_name(outcome.error))
                          : std::to_string(outcome.status);
  auto line = fmt::format("{} {} {} {}", d.event.empty() ? "-" : d.event, d.id,
                          paint(status, outcome.ok() ? Color::green : Color::red, color),
                          format_ms(outcome.ms));
  if (d.attempts > 1) {
    line += fmt::format(" after {} attempts", d.attempts);
  }
  if (d.planned && d.planned->redelivery) {
    line += " (redelivery)";
  }
  if (outcome.error != DeliveryError::none) {
    line += "  " + outcome.error_text;
  } else if (!outcome.location.empty()) {
    line += fmt::format("  -> {} (redirects are not followed)", outcome.location);
  }
  if (outcome.error == DeliveryError::none && (show_response || !outcome.ok()) &&
      !outcome.body_prefix.empty()) {
    line +=
        "  " + paint(one_line_preview(outcome.body_prefix, outcome.body_cut), Color::dim, color);
  }
  return line + "\n";
}

std::string send_summary_json(const SendSummary& s) {
  nlohmann::ordered_json statuses = nlohmann::ordered_json::object();
  for (const auto& [status, n] : s.statuses) {
    statuses[std::to_string(status)] = n;
  }
  nlohmann::ordered_json summary = {{"sent", s.sent},
                                    {"2xx", s.succeeded},
                                    {"failed", s.failed()},
                                    {"statuses", statuses},
                                    {"errors", s.errors},
                                    {"seconds", std::round(s.seconds * 1000) / 1000},
                                    {"per_second", std::round(s.per_second() * 10) / 10},
                                    {"p50_ms", round_ms(s.latency.percentile(50))},
                                    {"p90_ms", round_ms(s.latency.percentile(90))},
                                    {"p99_ms", round_ms(s.latency.percentile(99))},
                                    {"max_ms", round_ms(s.latency.max())}};
  if (s.chaos) {
    summary["duplicates"] = s.redeliveries;
    summary["reordered"] = s.reordered;
  }
  return nlohmann::ordered_json{{"summary", summary}}.dump() + "\n";
}

std::string send_summary_text(const SendSummary& s) {
  std::string failures;
  for (const auto& [status, n] : s.statuses) {
    failures += fmt::format("{}{}: {}", failures.empty() ? "" : ", ", status, n);
  }
  for (const auto& [kind, n] : s.errors) {
    failures += fmt::format("{}{}: {}", failures.empty() ? "" : ", ", kind, n);
  }
  const auto chaos =
      s.chaos ? fmt::format("{} of them redeliveries (a webhook-id sent before), {} reordered\n",
                            s.redeliveries, s.reordered)
              : std::string();
  return fmt::format("{} sent: {} 2xx, {} failed{}\n{}"
                     "{:.1f} deliveries/s over {}; latency p50 {}, p90 {}, p99 {}, max {}\n",
                     s.sent, s.succeeded, s.failed(),
                     failures.empty() ? "" : fmt::format(" ({})", failures), chaos, s.per_second(),
                     format_ms(s.seconds * 1000), format_ms(s.latency.percentile(50)),
                     format_ms(s.latency.percentile(90)), format_ms(s.latency.percentile(99)),
                     format_ms(s.latency.max()));
}

} // namespace linkhook
