#pragma once

#include "base/clock.hpp"

#include <optional>
#include <string>
#include <string_view>

// Durations as users write and read them: retry schedules, --max-wait, --since, scenario steps.
namespace linkhook {

// "5s", "1m30s", "500ms", "2h", "7d", or a bare number of seconds ("0", "1.5"); nullopt
// otherwise.
std::optional<Milliseconds> parse_duration(std::string_view text);

// "0s", "5s", "5m0s", "2h0m0s", "1.5s": the offsets and waits printed to users.
std::string format_duration(Milliseconds duration);

} // namespace linkhook
