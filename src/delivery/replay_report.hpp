#pragma once

#include "delivery/replayer.hpp"
#include "http/url.hpp"
#include "store/record.hpp"

#include <string>
#include <vector>

// What `replay` prints and stores: each event's timeline, the summary, the plan of --dry-run
// and the attempt history written back to the store.
namespace linkhook {

// {"id","attempt","at_s","status","decision"}, then "event", "wait_s" (retry), "error" and
// "reason" (no answer), "location" and "retry_after" when the answer had them.
std::string replay_attempt_json(const ReplayEvent& event, const Attempt& attempt);

// "retry in 5m0s", "delivered", "gone", "gave up", "interrupted".
std::string decision_text(const Attempt& attempt);

// One line to follow a replay in real time (stderr): "msg_... #2 +5s 500: retry in 5m0s".
std::string replay_progress_line(const ReplayEvent& event, const Attempt& attempt);

// The event's timeline: a heading, then one line per attempt (number, offset, status or error,
// decision, and why in words when the status alone does not say).
std::string replay_timeline_text(const ReplayedEvent& replayed, bool color);

// {"summary": {"events","delivered","gone","gave_up","interrupted","attempts","simulated_s",
// "seconds","attempts_per_second"}}
std::string replay_summary_json(const ReplaySummary& summary);

// "3 events: 1 delivered, 1 gone, 1 gave up; 12 attempts ..." and the span and time taken.
std::string replay_summary_text(const ReplaySummary& summary);

// --dry-run: the attempts planned for `event` if every one failed, one JSON object per line
// ({"id","attempt","at_s","decision": "planned"}) or as text.
std::string planned_json(const ReplayEvent& event, const std::vector<Milliseconds>& offsets);
std::string planned_text(const ReplayEvent& event, const std::vector<Milliseconds>& offsets);

// The store's `attempts` record of one replay: `ref` names the event, the verdict holds the
// last status and the ending, `extra` the URL, the ending and every attempt.
StoreRecord attempts_record(const ReplayedEvent& replayed, const Url& url);

} // namespace linkhook
