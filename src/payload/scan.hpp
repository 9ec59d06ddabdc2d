#pragma once

#include <string>
#include <string_view>

namespace linkhook {

// The top-level "event" of a JSON payload, found while checking that the body is JSON at all,
// in one pass and without building a tree. `error` says why a body is not JSON.
struct PayloadScan {
  bool json = false;
  std::string event; // empty when absent or not a string
  std::string error;
};
PayloadScan scan_payload(std::string_view body);

namespace detail {
// The two paths of scan_payload, exposed for the fuzz target that checks that the fast one never
// accepts what nlohmann refuses and finds the same event. The fast one: true, with the event,
// for JSON it is sure of; false for JSON it leaves to nlohmann, and for anything invalid.
bool scan_json_fast(std::string_view body, std::string& event);
PayloadScan scan_json_nlohmann(std::string_view body);
} // namespace detail

} // namespace linkhook
