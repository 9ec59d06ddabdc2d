#include "listen/listen_report.hpp"

#include "base/terminal.hpp"
#include "base/text.hpp"
#include "base/timestamp.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace linkhook {

namespace {

using Outcome = DeliveryReport::Outcome;

struct OutcomeStyle {
  std::string_view name;
  std::string_view symbol;
  Color color;
};

OutcomeStyle style_of(Outcome outcome) {
  switch (outcome) {
  case Outcome::accepted:
    return {"accepted", "✓", Color::green};
  case Outcome::duplicate:
    return {"duplicate", "↺", Color::cyan};
  case Outcome::filtered:
    return {"filtered", "·", Color::dim};
  case Outcome::failed_on_purpose:
    return {"failed_on_purpose", "!", Color::yellow};
  case Outcome::forward_failed:
    return {"forward_failed", "✗", Color::red};
  case Outcome::store_failed:
    return {"store_failed", "✗", Color::red};
  case Outcome::rejected:
    break;
  }
  return {"rejected", "✗", Color::red};
}

std::string clock_time(std::int64_t ms) {
  // "10:30:00.123" of the ISO form "2025-10-19T10:30:00Z".
  return fmt::format("{}.{:03}", format_iso8601(ms / 1000).substr(11, 8), ms % 1000);
}

} // namespace

std::string_view outcome_name(Outcome outcome) {
  return style_of(outcome).name;
}

std::string delivery_line(const DeliveryReport& report, bool json, bool color) {
  if (json) {
    nlohmann::ordered_json line = {{"id", report.id},
                                   {"event", report.event},
                                   {"verified", report.verified()},
                                   {"status", report.status},
                                   {"reason", report.reason},
                                   {"outcome", outcome_name(report.outcome)},
                                   {"received_at", format_iso8601(report.received_at_ms / 1000)}};
    return line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
  }
  // The event, id and reason come from the request: a newline or an escape in them must not
  // forge a line of its own or drive the terminal.
  const auto style = style_of(report.outcome);
  const auto status = paint(std::to_string(report.status), style.color, color);
  const auto reason = printable(report.reason);
  const auto verdict =
      color ? paint(fmt::format("{} {}", style.symbol, reason), style.color, true) : reason;
  return fmt::format("{}  {}  {:<22} {:<30} {}\n", clock_time(report.received_at_ms), status,
                     report.event.empty() ? "-" : printable(report.event),
                     report.id.empty() ? "-" : printable(report.id), verdict);
}

std::string listen_summary(const ListenerStats& s, std::string_view why_stopped) {
  std::string text =
      fmt::format("{}: {} verified, {} rejected", count_of(s.deliveries, "delivery", "deliveries"),
                  s.verified, s.rejected);
  const std::pair<std::uint64_t, std::string_view> parts[] = {
      {s.stored, "stored"},
      {s.duplicates, "duplicate"},
      {s.filtered, "filtered out"},
      {s.failed_on_purpose, "failed on purpose"},
      {s.forward_failed, "not accepted by the forward target"},
      {s.store_failed, "not stored (store error)"}};
  for (const auto& [count, label] : parts) {
    if (count > 0) {
      text += fmt::format(", {} {}", count, label);
    }
  }
  return fmt::format("linkhook listen stopped ({}): {}\n", why_stopped, text);
}

} // namespace linkhook
