#pragma once

#include "listen/listener.hpp"

#include <string>

namespace linkhook {

// The lines `listen` prints: one per delivery, for people or (json) as the contract's object
// {"id","event","verified","status","reason"} with "outcome" and "received_at" besides.
std::string delivery_line(const DeliveryReport& report, bool json, bool color);

// "duplicate", "filtered", ...: the stable name of an outcome.
std::string_view outcome_name(DeliveryReport::Outcome outcome);

// The summary `listen` prints on stderr when it stops.
std::string listen_summary(const ListenerStats& stats, std::string_view why_stopped);

} // namespace linkhook
