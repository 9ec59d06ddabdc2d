#pragma once

#include "store/record.hpp"

#include <optional>
#include <string>
#include <string_view>

// `store export --format har`: a HAR 1.2 log (http://www.softwareishard.com/blog/har-12-spec/),
// which browser devtools and HTTP tools open. It is written as it goes, one entry per record, so
// that a store of any size exports in constant memory: har_head(), then each har_entry(), then
// har_tail().
namespace linkhook {

// The log's start, naming linkhook `version` as its creator.
std::string har_head(std::string_view version);

// A record's entry, preceded by a comma unless it is the `first`: the request with its exact
// headers and body (postData.text; a body that is not UTF-8 as base64, and its comment says so),
// and the answer as far as it is known (the status the listener answered, or the endpoint's; no
// answer's headers or body are stored). None for an `attempts` record, which holds no request of
// its own (its event's record does).
std::optional<std::string> har_entry(const StoreRecord& record, bool first);

std::string har_tail();

} // namespace linkhook
