#pragma once

#include "http/headers.hpp"
#include "listen/listener.hpp"
#include "store/record.hpp"

#include <string>
#include <string_view>

// What `listen` prints and stores about the deliveries it receives.
namespace linkhook {

// The event store's record of a received delivery: headers and body exactly as received, under
// received_record_id, with how the listener judged and answered it as the verdict.
StoreRecord received_record(const Headers& headers, std::string_view body,
                            const ReceivedDelivery& delivery);

// One delivery as the contract's JSON object {"id","event","verified","status","reason"}, with
// "outcome" and "received_at" besides.
std::string listen_json_line(const ReceivedDelivery& delivery);

// "10:30:00.123  200  link.clicked  msg_...  ✓ verified", for people.
std::string listen_human_line(const ReceivedDelivery& delivery, bool color);

// The summary `listen` prints on stderr when it stops.
std::string listen_summary_text(const ListenerStats& stats, std::string_view why_stopped);

} // namespace linkhook
