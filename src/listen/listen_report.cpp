#include "listen/listen_report.hpp"

#include "base/terminal.hpp"
#include "base/text.hpp"
#include "base/timestamp.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace linkhook {

namespace {

using Outcome = ReceivedDelivery::Outcome;

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
  case Outcome::invalid:
    return {"invalid", "✗", Color::yellow};
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

StoreRecord received_record(const Headers& headers, std::string_view body,
                            const ReceivedDelivery& delivery) {
  StoreRecord record;
  record.headers.assign(headers.begin(), headers.end());
  record.id = received_record_id(record.headers);
  record.kind = RecordKind::received;
  record.event = delivery.event;
  record.time_ms = delivery.received_at_ms;
  record.body = std::string(body);
  record.verdict = {delivery.verified(), false, delivery.status, delivery.reason};
  record.extra = {{"url", delivery.url}};
  return record;
}

std::string listen_json_line(const ReceivedDelivery& delivery) {
  nlohmann::ordered_json line = {{"id", delivery.id},
                                 {"event", delivery.event},
                                 {"verified", delivery.verified()},
                                 {"status", delivery.status},
                                 {"reason", delivery.reason},
                                 {"outcome", style_of(delivery.outcome).name},
                                 {"received_at", format_iso8601(delivery.received_at_ms / 1000)}};
  return line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

std::string listen_human_line(const ReceivedDelivery& delivery, bool color) {
  // The event, id and reason come from the request: a newline or an escape in them must not
  // forge a line of its own or drive the terminal.
  const auto style = style_of(delivery.outcome);
  const auto status = paint(std::to_string(delivery.status), style.color, color);
  const auto reason = printable(delivery.reason);
  const auto verdict =
      color ? paint(fmt::format("{} {}", style.symbol, reason), style.color, true) : reason;
  return fmt::format("{}  {}  {:<22} {:<30} {}\n", clock_time(delivery.received_at_ms), status,
                     delivery.event.empty() ? "-" : printable(delivery.event),
                     delivery.id.empty() ? "-" : printable(delivery.id), verdict);
}

std::string listen_summary_text(const ListenerStats& s, std::string_view why_stopped) {
  std::string text =
      fmt::format("{}: {} verified, {} rejected", count_of(s.deliveries, "delivery", "deliveries"),
                  s.verified, s.rejected);
  const std::pair<std::uint64_t, std::string_view> parts[] = {
      {s.stored, "stored"},
      {s.duplicates, "duplicate"},
      {s.filtered, "filtered out"},
      {s.failed_on_purpose, "failed on purpose"},
      {s.invalid, "not their event's schema (422)"},
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
