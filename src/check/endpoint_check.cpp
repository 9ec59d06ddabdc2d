#include "check/endpoint_check.hpp"

#include "base/error.hpp"
#include "base/random.hpp"
#include "base/timestamp.hpp"
#include "net/delivery_client.hpp"
#include "payload/events.hpp"
#include "payload/generator.hpp"
#include "signing/secret.hpp"
#include "signing/signature.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>
#include <latch>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

namespace linkhook {

namespace {

constexpr std::array<std::string_view, 10> k_checks = {
    "accepts_genuine",         "rejects_tampered_body",
    "rejects_wrong_secret",    "rejects_missing_signature",
    "rejects_stale_timestamp", "rejects_future_timestamp",
    "accepts_redelivery",      "accepts_unknown_event",
    "handles_concurrency",     "answers_in_time"};

// How far past the tolerance the stale and future timestamps are: well clear of clock skew.
constexpr std::int64_t k_beyond_tolerance_s = 60;

// "200", or why no answer came ("no answer: connection refused").
std::string answer_text(const DeliveryOutcome& outcome) {
  return outcome.error == DeliveryError::none ? std::to_string(outcome.status)
                                              : fmt::format("no answer ({})", outcome.error_text);
}

// Pretty-printed as many senders format their JSON: the same data in other bytes, which an
// endpoint that verifies its own re-serialisation of the JSON gets wrong.
std::string pretty(std::string_view compact) {
  return nlohmann::ordered_json::parse(compact).dump(2);
}

class Battery {
public:
  explicit Battery(const EndpointCheckConfig& config)
      : m_config(config), m_random(config.seed),
        m_client(config.delivery.client, config.delivery.stop) {}

  // A generated payload of `event`, compact, timed now.
  std::string payload(const EventInfo& event) {
    auto& generator =
        m_generators
            .try_emplace(std::string(event.name), event.fixture, std::span<const Assignment>{})
            .first->second;
    std::string out;
    generator.append(out, m_random, unix_now());
    return out;
  }

  // The headers of a delivery of `body` signed as `message` says, with `secret` (the endpoint's
  // when null), and the endpoint's own headers.
  Headers signed_headers(const Message& message, const Secret* secret = nullptr) const {
    auto delivery = m_config.delivery;
    if (secret != nullptr) {
      delivery.secret = secret;
    }
    return delivery_headers(delivery, message, m_config.headers);
  }

  // POSTs; a delivery meant to be accepted counts towards answers_in_time.
  DeliveryOutcome post(const Headers& headers, std::string_view body, bool genuine) {
    auto outcome = m_client.post(headers, body);
    if (genuine) {
      note(outcome);
    }
    return outcome;
  }

  // A genuine delivery of `body`, under a fresh webhook-id unless given one.
  DeliveryOutcome genuine(std::string_view body, const std::string& id = generate_message_id()) {
    return post(signed_headers(Message{id, unix_now(), body}), body, true);
  }

  void note(const DeliveryOutcome& outcome) {
    ++m_genuine;
    if (outcome.error == DeliveryError::timeout) {
      m_timed_out = true;
    } else if (outcome.error == DeliveryError::none) {
      ++m_answered;
      m_slowest_ms = std::max(m_slowest_ms, outcome.ms);
    }
  }

  const EndpointCheckConfig& config() const { return m_config; }
  std::size_t genuine_count() const { return m_genuine; }
  std::size_t answered_count() const { return m_answered; }
  double slowest_ms() const { return m_slowest_ms; }
  bool timed_out() const { return m_timed_out; }

private:
  const EndpointCheckConfig& m_config;
  Random m_random;
  DeliveryClient m_client;
  std::map<std::string, PayloadGenerator, std::less<>> m_generators;
  std::size_t m_genuine = 0;
  std::size_t m_answered = 0; // of the genuine ones: an answer came, whatever its status
  double m_slowest_ms = 0;    // of those answered
  bool m_timed_out = false;
};

CheckResult result(std::string_view name, CheckVerdict verdict, std::string detail) {
  return {std::string(name), verdict, std::move(detail)};
}

// A forgery must be refused: 2xx is a fail, a 4xx a pass, anything else a warning or a fail.
CheckResult grade_forgery(std::string_view name, std::string_view sent,
                          const DeliveryOutcome& outcome, std::string_view fix) {
  if (outcome.error != DeliveryError::none) {
    return result(name, CheckVerdict::fail,
                  fmt::format("sent {}; got {}: the check cannot tell whether it was refused", sent,
                              answer_text(outcome)));
  }
  if (outcome.ok()) {
    return result(name, CheckVerdict::fail,
                  fmt::format("sent {}; got {}: accepted; {}", sent, outcome.status, fix));
  }
  if (outcome.status >= 400 && outcome.status < 500) {
    return result(name, CheckVerdict::pass,
                  fmt::format("sent {}; got {}: refused", sent, outcome.status));
  }
  return result(name, CheckVerdict::warn,
                fmt::format("sent {}; got {}: refused, but not with a 4xx; answer 400 or 401 to "
                            "a delivery that fails verification",
                            sent, outcome.status));
}

CheckResult accepts_genuine(Battery& battery) {
  constexpr std::string_view name = "accepts_genuine";
  struct Failure {
    std::string event;
    std::string answer;
    bool pretty;
  };
  std::vector<Failure> failures;
  std::size_t pretty_sent = 0;
  std::size_t i = 0;
  for (const auto& event : events()) {
    // Every other one pretty-printed: bytes that a re-serialising endpoint changes.
    const bool is_pretty = i++ % 2 == 1;
    auto body = battery.payload(event);
    if (is_pretty) {
      body = pretty(body);
      ++pretty_sent;
    }
    const auto outcome = battery.genuine(body);
    if (!outcome.ok()) {
      failures.push_back({std::string(event.name), answer_text(outcome), is_pretty});
    }
  }
  const auto total = events().size();
  if (failures.empty()) {
    return result(name, CheckVerdict::pass,
                  fmt::format("sent the {} events, signed ({} compact, {} pretty-printed); got 2xx "
                              "for every one",
                              total, total - pretty_sent, pretty_sent));
  }
  const bool only_pretty = std::all_of(failures.begin(), failures.end(),
                                       [](const Failure& failure) { return failure.pretty; });
  std::string answers;
  for (const auto& failure : failures) {
    answers += fmt::format("{}{} {}", answers.empty() ? "" : ", ", failure.event, failure.answer);
  }
  if (only_pretty && failures.size() == pretty_sent) {
    return result(name, CheckVerdict::fail,
                  fmt::format("sent the {} events, signed; every one sent pretty-printed failed "
                              "({}) and every compact one got 2xx: the endpoint verifies JSON it "
                              "re-serialised; verify the raw request body before parsing it",
                              total, answers));
  }
  return result(name, CheckVerdict::fail,
                fmt::format("sent the {} events, signed; {} got no 2xx ({}); answer 2xx to every "
                            "genuine delivery",
                            total, failures.size(), answers));
}

CheckResult rejects_tampered_body(Battery& battery) {
  const auto body = battery.payload(events().front());
  const auto headers = battery.signed_headers(Message{generate_message_id(), unix_now(), body});
  // The signed JSON with one field more: what a man in the middle would send.
  const auto tampered = "{\"tampered\":true," + body.substr(1);
  return grade_forgery("rejects_tampered_body", "a signed body with a field added after signing",
                       battery.post(headers, tampered, false),
                       "verify the signature over the raw request body, and refuse a mismatch");
}

CheckResult rejects_wrong_secret(Battery& battery) {
  const auto scheme = battery.config().delivery.scheme;
  const auto other = Secret::parse(generate_secret(scheme), scheme);
  const auto body = battery.payload(events().front());
  const auto headers =
      battery.signed_headers(Message{generate_message_id(), unix_now(), body}, &other);
  return grade_forgery("rejects_wrong_secret", "a delivery signed with another secret",
                       battery.post(headers, body, false),
                       "verify every delivery's signature with this endpoint's secret");
}

CheckResult rejects_missing_signature(Battery& battery) {
  const auto scheme = battery.config().delivery.scheme;
  const auto body = battery.payload(events().front());
  Headers headers;
  for (const auto& header :
       battery.signed_headers(Message{generate_message_id(), unix_now(), body})) {
    if (!header_name_equal(header.name, signature_header_name(scheme))) {
      headers.add(header.name, header.value);
    }
  }
  return grade_forgery(
      "rejects_missing_signature",
      fmt::format("a delivery without its {} header", signature_header_name(scheme)),
      battery.post(headers, body, false), "refuse a delivery that carries no signature");
}

CheckResult rejects_timestamp(Battery& battery, std::string_view name, std::int64_t offset_s) {
  const auto scheme = battery.config().delivery.scheme;
  if (scheme == Scheme::github) {
    return result(name, CheckVerdict::skip, "github deliveries carry no timestamp to check");
  }
  const auto body = battery.payload(events().front());
  const auto headers =
      battery.signed_headers(Message{generate_message_id(), unix_now() + offset_s, body});
  const auto tolerance = battery.config().tolerance_s;
  return grade_forgery(
      name,
      fmt::format("a delivery signed correctly with a timestamp {} s {}", std::abs(offset_s),
                  offset_s < 0 ? "old" : "in the future"),
      battery.post(headers, body, false),
      fmt::format("reject timestamps more than {} s from now, so that a captured delivery cannot "
                  "be replayed",
                  tolerance));
}

CheckResult accepts_redelivery(Battery& battery) {
  constexpr std::string_view name = "accepts_redelivery";
  const auto body = battery.payload(events().front());
  const auto id = generate_message_id();
  const auto first = battery.genuine(body, id);
  if (!first.ok()) {
    return result(name, CheckVerdict::fail,
                  fmt::format("sent a genuine delivery; got {} for it before any redelivery; "
                              "answer 2xx to genuine deliveries",
                              answer_text(first)));
  }
  const auto again = battery.genuine(body, id);
  if (!again.ok()) {
    return result(name, CheckVerdict::fail,
                  fmt::format("sent the same webhook-id again, freshly signed; got {}: providers "
                              "deliver at least once; answer 2xx to a webhook-id you already "
                              "processed, without processing it twice",
                              answer_text(again)));
  }
  return result(name, CheckVerdict::pass,
                fmt::format("sent the same webhook-id twice, freshly signed; got {} then {}",
                            first.status, again.status));
}

CheckResult accepts_unknown_event(Battery& battery) {
  constexpr std::string_view name = "accepts_unknown_event";
  const std::string body = fmt::format(
      R"({{"event":"linkhook.unknown_event","timestamp":"{}","data":{{"note":"an event this endpoint has never seen"}}}})",
      format_iso8601(unix_now()));
  const auto outcome = battery.genuine(body);
  constexpr std::string_view sent = "a genuine delivery of an event named linkhook.unknown_event";
  if (outcome.ok()) {
    return result(name, CheckVerdict::pass, fmt::format("sent {}; got {}", sent, outcome.status));
  }
  const bool client_error =
      outcome.error == DeliveryError::none && outcome.status >= 400 && outcome.status < 500;
  return result(
      name, client_error ? CheckVerdict::warn : CheckVerdict::fail,
      fmt::format("sent {}; got {}: a provider retries it and may disable the endpoint; answer "
                  "2xx to events you do not handle, and ignore them",
                  sent, answer_text(outcome)));
}

CheckResult handles_concurrency(Battery& battery) {
  constexpr std::string_view name = "handles_concurrency";
  const auto& config = battery.config();
  const auto burst = config.burst;
  std::vector<std::string> bodies;
  std::vector<Headers> headers;
  for (std::size_t i = 0; i < burst; ++i) {
    bodies.push_back(battery.payload(events()[i % events().size()]));
    headers.push_back(
        battery.signed_headers(Message{generate_message_id(), unix_now(), bodies.back()}));
  }
  std::vector<DeliveryOutcome> outcomes(burst);
  {
    std::latch ready(static_cast<std::ptrdiff_t>(burst));
    std::vector<std::jthread> threads;
    for (std::size_t i = 0; i < burst; ++i) {
      threads.emplace_back([&, i] {
        DeliveryClient client(config.delivery.client, config.delivery.stop);
        ready.arrive_and_wait(); // all at once
        outcomes[i] = client.post(headers[i], bodies[i]);
      });
    }
  }
  std::map<std::string, std::size_t> failed;
  for (const auto& outcome : outcomes) {
    battery.note(outcome);
    if (!outcome.ok()) {
      ++failed[status_text(outcome)];
    }
  }
  if (failed.empty()) {
    return result(name, CheckVerdict::pass,
                  fmt::format("sent {} genuine deliveries at once; got 2xx for every one", burst));
  }
  std::string answers;
  std::size_t count = 0;
  for (const auto& [answer, n] : failed) {
    answers += fmt::format("{}{} x{}", answers.empty() ? "" : ", ", answer, n);
    count += n;
  }
  return result(name, CheckVerdict::fail,
                fmt::format("sent {} genuine deliveries at once; {} got no 2xx ({}); answer "
                            "deliveries that arrive together, queueing the work if need be",
                            burst, count, answers));
}

CheckResult answers_in_time(Battery& battery) {
  constexpr std::string_view name = "answers_in_time";
  if (battery.genuine_count() == 0) { // the only check: deliveries of its own
    for (std::size_t i = 0; i < 3; ++i) {
      battery.genuine(battery.payload(events()[i]));
    }
  }
  const auto timeout_ms = battery.config().delivery.client.timeout_s * 1000;
  const auto sent = fmt::format("{} genuine deliveries", battery.genuine_count());
  if (battery.timed_out()) {
    return result(name, CheckVerdict::fail,
                  fmt::format("of {}, one got no answer within --timeout {} s: a provider counts "
                              "it failed and retries; answer first, then do slow work",
                              sent, timeout_ms / 1000));
  }
  if (battery.answered_count() == 0) {
    return result(name, CheckVerdict::fail,
                  fmt::format("of {}, none got an answer: there is no time to grade", sent));
  }
  const auto slowest = battery.slowest_ms();
  if (slowest > timeout_ms / 2) {
    return result(name, CheckVerdict::warn,
                  fmt::format("of {}, the slowest answer took {:.0f} ms, over half of --timeout "
                              "{} s; answer first, then do slow work",
                              sent, slowest, timeout_ms / 1000));
  }
  return result(name, CheckVerdict::pass,
                fmt::format("of {}, the slowest answer took {:.0f} ms (--timeout {} s)", sent,
                            slowest, timeout_ms / 1000));
}

} // namespace

std::string_view check_verdict_name(CheckVerdict verdict) {
  switch (verdict) {
  case CheckVerdict::pass:
    return "pass";
  case CheckVerdict::fail:
    return "fail";
  case CheckVerdict::warn:
    return "warn";
  case CheckVerdict::skip:
    break;
  }
  return "skip";
}

std::span<const std::string_view> check_names() {
  return k_checks;
}

std::vector<CheckResult> run_endpoint_checks(const EndpointCheckConfig& config,
                                             std::span<const std::string> names,
                                             const std::function<void(const CheckResult&)>& done) {
  Battery battery(config);
  const auto tolerance = config.tolerance_s + k_beyond_tolerance_s;
  std::vector<CheckResult> results;
  for (const auto check : k_checks) {
    if (std::find(names.begin(), names.end(), check) == names.end()) {
      continue;
    }
    if (config.delivery.stopped()) {
      break;
    }
    CheckResult graded;
    if (check == "accepts_genuine") {
      graded = accepts_genuine(battery);
    } else if (check == "rejects_tampered_body") {
      graded = rejects_tampered_body(battery);
    } else if (check == "rejects_wrong_secret") {
      graded = rejects_wrong_secret(battery);
    } else if (check == "rejects_missing_signature") {
      graded = rejects_missing_signature(battery);
    } else if (check == "rejects_stale_timestamp") {
      graded = rejects_timestamp(battery, check, -tolerance);
    } else if (check == "rejects_future_timestamp") {
      graded = rejects_timestamp(battery, check, tolerance);
    } else if (check == "accepts_redelivery") {
      graded = accepts_redelivery(battery);
    } else if (check == "accepts_unknown_event") {
      graded = accepts_unknown_event(battery);
    } else if (check == "handles_concurrency") {
      graded = handles_concurrency(battery);
    } else {
      graded = answers_in_time(battery);
    }
    done(graded);
    results.push_back(std::move(graded));
  }
  return results;
}

} // namespace linkhook
