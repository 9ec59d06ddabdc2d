#pragma once

#include "base/timestamp.hpp"
#include "payload/events.hpp"

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

// Scenarios: stories of related events about the same objects, in order, along the story's own
// timeline. A scenario is a JSON file (fixtures/scenarios/README.md has the format; the built-in
// ones are in fixtures/scenarios/): values drawn once per story (a link's id, its owner), and
// steps, each one or more payloads of an event at a time, or right after another step's Nth,
// with fields set from the values and from other steps' times.
namespace linkhook {

struct ScenarioStep {
  std::string name;
  const EventInfo* event = nullptr;
  std::uint64_t count = 1;
  std::int64_t at_ms = 0;   // from the story's start
  std::int64_t over_ms = 0; // the payloads are spread at random over [at, at + over]
  // Placed right after payload `after_nth` (1-based) of step `after` instead of at a time.
  std::string after;
  std::uint64_t after_nth = 0;
  nlohmann::ordered_json set = nlohmann::ordered_json::object(); // PATH: value, "${...}" filled
};

struct Scenario {
  std::string name;
  std::string description;
  nlohmann::ordered_json values = nlohmann::ordered_json::object(); // NAME: placeholder text
  std::vector<ScenarioStep> steps;
  std::uint64_t payloads = 0; // in all
};

// Reads a scenario; throws Error (usage) naming `origin` and the problem.
Scenario parse_scenario(std::string_view text, std::string_view origin);

// The built-in scenarios, in the order `scenario list` shows them.
const std::vector<Scenario>& builtin_scenarios();

// The built-in scenario of that name; throws Error (usage) naming the closest otherwise.
const Scenario& require_scenario(std::string_view name);

// One payload of a story.
struct StoryPayload {
  std::string step;
  std::string event;
  UnixSeconds time = 0; // its timestamp
  std::string body;     // compact JSON
};

// Tells the story: visits every payload, in story order (times never decrease), as it is made,
// so that a long story is printed in constant memory. The same seed and start tell the same
// story.
void tell_story(const Scenario& scenario, std::uint64_t seed, UnixSeconds start,
                const std::function<void(const StoryPayload&)>& visit);

// The same, kept: every payload of the story.
std::vector<StoryPayload> tell_story(const Scenario& scenario, std::uint64_t seed,
                                     UnixSeconds start);

} // namespace linkhook
