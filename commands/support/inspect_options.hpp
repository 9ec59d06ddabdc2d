#pragma once

#include "inspect/inspector.hpp"

#include <string>
#include <string_view>

// What `inspect` and `listen --inspect` share: where the inspector listens.
namespace linkhook::cmd {

// "127.0.0.1:4040", "[::1]:0", "localhost:8080" as given to `flag`: the host and the port (0: a
// free one) of an inspector. Throws Error (usage) naming the flag for anything else.
InspectorConfig parse_inspect_addr(const std::string& addr, std::string_view flag);

// Warns on stderr when the inspector listens beyond loopback: whoever reaches it reads every
// stored payload.
void warn_if_exposed(const InspectorConfig& config);

} // namespace linkhook::cmd
