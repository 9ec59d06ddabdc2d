#include "payload/events.hpp"

#include "base/error.hpp"
#include "base/text.hpp"
#include "payload/fixtures.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <vector>

namespace linkhook {

namespace {

struct CatalogLine {
  std::string_view name;
  std::string_view description;
};

// Adding an event is adding fixtures/<name>.json and one line here.
constexpr CatalogLine k_catalog[] = {
    {"link.clicked", "Someone clicked one of your short links"},
    {"link.created", "A new short link was created"},
    {"qr.scanned", "Someone scanned one of your QR codes"},
    {"team.member_added", "A team member was invited to your workspace"},
    {"team.member_removed", "A team member was removed from your workspace"},
    {"integration.connected", "A new integration was set up"},
    {"link.expired", "A link reached its expiration date"},
    {"domain.verified", "A custom domain passed DNS verification"},
    {"account.upgraded", "The account moved to a higher plan"},
    {"account.downgraded", "The account moved to a lower plan"},
    {"api.key_created", "A new API key was generated"},
    {"security.login_failed", "Someone failed to log in to the account"},
    {"analytics.milestone", "A link reached a click milestone (1K, 10K, ...)"},
};

std::vector<EventInfo> build_catalog() {
  std::vector<EventInfo> result;
  const auto fixtures = embedded_fixtures();
  for (const auto& line : k_catalog) {
    const auto it = std::find_if(fixtures.begin(), fixtures.end(),
                                 [&](const EmbeddedFile& f) { return f.name == line.name; });
    result.push_back({line.name, line.description, it == fixtures.end() ? "" : it->text});
  }
  return result;
}

} // namespace

std::span<const EventInfo> events() {
  static const std::vector<EventInfo> catalog = build_catalog();
  return catalog;
}

const EventInfo* find_event(std::string_view name) {
  const auto all = events();
  const auto it =
      std::find_if(all.begin(), all.end(), [&](const EventInfo& e) { return e.name == name; });
  return it == all.end() ? nullptr : &*it;
}

const EventInfo& require_event(std::string_view name) {
  if (const auto* event = find_event(name)) {
    return *event;
  }
  std::vector<std::string_view> names;
  for (const auto& event : events()) {
    names.push_back(event.name);
  }
  throw Error(fmt::format("unknown event '{}'{}; 'linkhook events' lists all {}", name,
                          did_you_mean(name, names), names.size()));
}

std::vector<const EventInfo*> select_events(std::span<const std::string> patterns) {
  std::vector<const EventInfo*> selected;
  const auto add = [&](const EventInfo& event) {
    if (std::find(selected.begin(), selected.end(), &event) == selected.end()) {
      selected.push_back(&event);
    }
  };
  for (const auto& pattern : patterns) {
    if (pattern.find_first_of("*?") == std::string::npos) {
      add(require_event(pattern));
      continue;
    }
    bool matched = false;
    for (const auto& event : events()) {
      if (glob_match(pattern, event.name)) {
        add(event);
        matched = true;
      }
    }
    if (!matched) {
      throw Error(fmt::format("no event matches '{}'; 'linkhook events' lists all {}", pattern,
                              events().size()));
    }
  }
  return selected;
}

} // namespace linkhook
