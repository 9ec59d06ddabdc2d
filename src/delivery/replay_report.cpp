#include "delivery/replay_report.hpp"

#include "base/terminal.hpp"
#include "base/text.hpp"
#include "base/timestamp.hpp"
#include "delivery/send_report.hpp"
#include "net/delivery_outcome.hpp"

#include <cmath>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace linkhook {

namespace {

using Json = nlohmann::ordered_json;

double seconds(Milliseconds duration) {
  return static_cast<double>(duration.count()) / 1000.0;
}

std::string dump(const Json& json) {
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

// Why, in words, when the status alone does not tell: an error, a redirect, a Retry-After.
std::string detail(const DeliveryOutcome& outcome) {
  if (outcome.error != DeliveryError::none || !outcome.location.empty()) {
    return outcome_reason(outcome);
  }
  if (!outcome.retry_after.empty()) {
    return "Retry-After: " + outcome.retry_after;
  }
  return {};
}

// The attempt's fields, added to `json`.
Json attempt_json(const Attempt& attempt, Json json = Json::object()) {
  json["attempt"] = attempt.number;
  json["at_s"] = seconds(attempt.at);
  json["status"] = attempt.outcome.status;
  json["decision"] = decision_name(attempt.decision);
  if (attempt.decision == Decision::retry) {
    json["wait_s"] = seconds(attempt.wait);
  }
  const auto& outcome = attempt.outcome;
  if (outcome.error != DeliveryError::none) {
    json["error"] = delivery_error_name(outcome.error);
    json["reason"] = outcome.error_text;
  }
  if (!outcome.location.empty()) {
    json["location"] = outcome.location;
  }
  if (!outcome.retry_after.empty()) {
    json["retry_after"] = outcome.retry_after;
  }
  return json;
}

Color decision_color(Decision decision) {
  switch (decision) {
  case Decision::delivered:
    return Color::green;
  case Decision::retry:
    return Color::yellow;
  case Decision::gone:
  case Decision::gave_up:
  case Decision::interrupted:
    break;
  }
  return Color::red;
}

std::string heading(const ReplayEvent& event) {
  return fmt::format("{} {}\n", event.event.empty() ? "-" : event.event, event.id);
}

} // namespace

std::string replay_attempt_json(const ReplayEvent& event, const Attempt& attempt) {
  auto line = attempt_json(attempt, Json{{"id", event.id}});
  line["event"] = event.event;
  return dump(line);
}

std::string decision_text(const Attempt& attempt) {
  if (attempt.decision == Decision::retry) {
    return "retry in " + format_duration(attempt.wait);
  }
  return std::string(decision_name(attempt.decision));
}

std::string replay_progress_line(const ReplayEvent& event, const Attempt& attempt) {
  const auto why = detail(attempt.outcome);
  return fmt::format("{} #{} +{} {}{}: {}\n", event.id, attempt.number, format_duration(attempt.at),
                     status_text(attempt.outcome), why.empty() ? "" : " (" + why + ")",
                     decision_text(attempt));
}

std::string replay_timeline_text(const ReplayedEvent& replayed, bool color) {
  auto out = heading(*replayed.event);
  for (const auto& attempt : replayed.attempts) {
    const auto why = detail(attempt.outcome);
    const auto decision = fmt::format("{:<16}", decision_text(attempt));
    auto line = fmt::format("  #{:<2} +{:<10} {:<8} {}", attempt.number,
                            format_duration(attempt.at), status_text(attempt.outcome),
                            paint(decision, decision_color(attempt.decision), color));
    if (!why.empty()) {
      line += "  " + paint(why, Color::dim, color);
    }
    while (line.ends_with(' ')) {
      line.pop_back();
    }
    out += line + "\n";
  }
  if (replayed.ending == Decision::interrupted) {
    out += "  interrupted before the next attempt\n";
  }
  return out;
}

std::string replay_summary_json(const ReplaySummary& s) {
  const Json summary = {{"events", s.events},
                        {"delivered", s.delivered},
                        {"gone", s.gone},
                        {"gave_up", s.gave_up},
                        {"interrupted", s.interrupted},
                        {"attempts", s.attempts},
                        {"simulated_s", seconds(s.span)},
                        {"seconds", std::round(s.seconds * 1000) / 1000},
                        {"attempts_per_second", std::round(s.attempts_per_second() * 10) / 10}};
  return dump(Json{{"summary", summary}});
}

std::string replay_summary_text(const ReplaySummary& s) {
  return fmt::format("{}: {} delivered, {} gone, {} gave up{}; {}\n"
                     "simulated span {}; real time {} ({:.1f} attempts/s)\n",
                     count_of(s.events, "event"), s.delivered, s.gone, s.gave_up,
                     s.interrupted > 0 ? fmt::format(", {} interrupted", s.interrupted) : "",
                     count_of(s.attempts, "attempt"), format_duration(s.span),
                     format_ms(s.seconds * 1000), s.attempts_per_second());
}

std::string planned_json(const ReplayEvent& event, const std::vector<Milliseconds>& offsets) {
  std::string out;
  for (std::size_t i = 0; i < offsets.size(); ++i) {
    out += dump(Json{{"id", event.id},
                     {"attempt", i + 1},
                     {"at_s", seconds(offsets[i])},
                     {"decision", "planned"},
                     {"event", event.event}});
  }
  return out;
}

std::string planned_text(const ReplayEvent& event, const std::vector<Milliseconds>& offsets) {
  auto out = heading(event);
  for (std::size_t i = 0; i < offsets.size(); ++i) {
    const auto next = i + 1 < offsets.size()
                          ? "then wait " + format_duration(offsets[i + 1] - offsets[i])
                          : std::string("last attempt");
    out += fmt::format("  #{:<2} +{:<10} {}\n", i + 1, format_duration(offsets[i]), next);
  }
  return out;
}

StoreRecord attempts_record(const ReplayedEvent& replayed, const Url& url) {
  const auto& last = replayed.attempts.back();
  StoreRecord record;
  record.id = fresh_record_id("att_");
  record.kind = RecordKind::attempts;
  record.event = replayed.event->event;
  record.time_ms = unix_now_ms();
  record.headers.assign(replayed.headers.begin(), replayed.headers.end());
  record.verdict = {false, false, last.outcome.status, std::string(decision_name(replayed.ending))};
  record.ref = replayed.event->id;
  Json attempts = Json::array();
  for (const auto& attempt : replayed.attempts) {
    attempts.push_back(attempt_json(attempt));
  }
  record.extra = {{"url", url.str()},
                  {"ending", decision_name(replayed.ending)},
                  {"attempts", std::move(attempts)}};
  return record;
}

} // namespace linkhook
