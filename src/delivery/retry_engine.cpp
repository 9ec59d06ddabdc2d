#include "delivery/retry_engine.hpp"

#include <charconv>
#include <ctime>

namespace linkhook {

namespace {

// Longer than any real Retry-After: a larger value is taken as malformed.
constexpr std::int64_t k_max_retry_after_s = 365LL * 24 * 3600;

bool honours_retry_after(int status) {
  return status == 429 || status == 503;
}

std::optional<UnixSeconds> parse_http_date(const std::string& text) {
  // strptime stops at a NUL: without this, whatever followed a date after one would be ignored.
  if (text.find('\0') != std::string::npos) {
    return std::nullopt;
  }
  std::tm tm{};
  const char* end = ::strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0') {
    return std::nullopt;
  }
  return static_cast<UnixSeconds>(::timegm(&tm));
}

} // namespace

std::string_view decision_name(Decision decision) {
  switch (decision) {
  case Decision::retry:
    return "retry";
  case Decision::delivered:
    return "delivered";
  case Decision::gone:
    return "gone";
  case Decision::gave_up:
    return "gave up";
  case Decision::interrupted:
    break;
  }
  return "interrupted";
}

std::size_t RetryPolicy::attempts() const {
  return max_attempts.value_or(schedule.length().value_or(k_exponential_attempts));
}

Milliseconds RetryPolicy::wait_before(std::size_t index) const {
  const auto wait = schedule.wait_before(index);
  return max_wait ? std::min(wait, *max_wait) : wait;
}

std::optional<Milliseconds> parse_retry_after(std::string_view text, UnixSeconds now) {
  std::int64_t seconds = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (ec == std::errc{} && end == text.data() + text.size()) {
    if (seconds < 0 || seconds > k_max_retry_after_s) {
      return std::nullopt;
    }
    return std::chrono::seconds(seconds);
  }
  const auto date = parse_http_date(std::string(text));
  if (!date || *date - now > k_max_retry_after_s) {
    return std::nullopt;
  }
  return std::chrono::seconds(std::max<std::int64_t>(*date - now, 0));
}

AttemptDecision decide(const RetryPolicy& policy, std::size_t attempt,
                       const DeliveryOutcome& outcome, UnixSeconds now) {
  if (outcome.ok()) {
    return {Decision::delivered, Milliseconds(0)};
  }
  if (outcome.error == DeliveryError::interrupted) { // a stop cut the attempt short
    return {Decision::interrupted, Milliseconds(0)};
  }
  if (outcome.status == 410) {
    return {Decision::gone, Milliseconds(0)};
  }
  if (attempt >= policy.attempts()) {
    return {Decision::gave_up, Milliseconds(0)};
  }
  auto wait = policy.schedule.wait_before(attempt);
  if (honours_retry_after(outcome.status) && !outcome.retry_after.empty()) {
    wait = std::max(wait, parse_retry_after(outcome.retry_after, now).value_or(wait));
  }
  return {Decision::retry, policy.max_wait ? std::min(wait, *policy.max_wait) : wait};
}

Attempt Timeline::attempted(Milliseconds at, DeliveryOutcome outcome) {
  Attempt attempt;
  attempt.number = ++m_number;
  attempt.at = at;
  attempt.outcome = std::move(outcome);
  const auto next = decide(m_policy, attempt.number, attempt.outcome, unix_now());
  attempt.decision = next.decision;
  attempt.wait = m_wait = next.wait;
  return attempt;
}

std::vector<Milliseconds> planned_offsets(const RetryPolicy& policy) {
  std::vector<Milliseconds> offsets;
  Milliseconds at{0};
  for (std::size_t index = 0; index < policy.attempts(); ++index) {
    at += policy.wait_before(index);
    offsets.push_back(at);
  }
  return offsets;
}

} // namespace linkhook
