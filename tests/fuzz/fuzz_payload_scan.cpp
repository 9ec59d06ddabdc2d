// libFuzzer target: the listener checks every delivery's body as JSON and takes its top-level
// "event", first with a fast scanner of its own, then, for what that leaves undecided, with
// nlohmann's parser. The fast scanner must never accept what nlohmann refuses, and must find the
// same event when both accept.
#include "fuzz_check.hpp"
#include "payload/scan.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  std::string event;
  const bool fast = linkhook::detail::scan_json_fast(body, event);
  const auto checked = linkhook::detail::scan_json_nlohmann(body);
  if (fast) {
    FUZZ_CHECK(checked.json);
    FUZZ_CHECK(checked.event == event);
  } else {
    FUZZ_CHECK(event.empty());
  }
  return 0;
}
