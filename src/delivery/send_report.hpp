#pragma once

#include "delivery/sender.hpp"
#include "http/url.hpp"
#include "net/delivery_outcome.hpp"
#include "store/record.hpp"

#include <string>

// What `send` prints and stores about its deliveries.
namespace linkhook {

// Milliseconds rounded to 0.1: enough for loopback, and short in a line.
double round_ms(double ms);

// "delivered", "HTTP 500", "redirected to URL (not followed)", or why there was no answer.
std::string outcome_reason(const DeliveryOutcome& outcome);

// The event store's record of a sent delivery: headers and body as sent, the result in the
// verdict, and the URL, milliseconds, attempts and error kind (and Location) in `extra`.
StoreRecord sent_record(const SentDelivery& delivery, const Url& url);

// One delivery as the contract's JSON object {"id","event","status","ms","ok"}, with "error" and
// "reason" when there was no answer, "location", "attempts" and "response" when they apply.
std::string send_json_line(const SentDelivery& delivery, bool show_response);

// "link.clicked msg_... 200 1.2ms", with why it failed and the start of the answer's body.
std::string send_human_line(const SentDelivery& delivery, bool show_response, bool color);

// {"summary": {"sent","2xx","failed","statuses","errors","seconds","per_second","p50_ms",...}}
std::string send_summary_json(const SendSummary& summary);

// Two lines: the counts, then the rate and latency percentiles.
std::string send_summary_text(const SendSummary& summary);

} // namespace linkhook
