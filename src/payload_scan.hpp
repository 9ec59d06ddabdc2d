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

} // namespace linkhook
