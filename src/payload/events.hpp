#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace linkhook {

// One Linkzly webhook event: its name, what triggers it, and its payload template.
struct EventInfo {
  std::string_view name;
  std::string_view description;
  std::string_view fixture; // the JSON template of fixtures/<name>.json
};

// The 13 events, in the order of the Linkzly webhooks page.
std::span<const EventInfo> events();

// nullptr when no event has that name.
const EventInfo* find_event(std::string_view name);

// The event of that name; throws Error (usage) naming the closest event otherwise.
const EventInfo& require_event(std::string_view name);

// The events named by `patterns` (names or globs such as "link.*"), in the order given, each
// once. Throws Error for a name that is no event (suggesting the closest) or a glob that matches
// none.
std::vector<const EventInfo*> select_events(std::span<const std::string> patterns);

} // namespace linkhook
