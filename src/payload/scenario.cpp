#include "payload/scenario.hpp"

#include "base/duration.hpp"
#include "base/error.hpp"
#include "base/random.hpp"
#include "base/text.hpp"
#include "payload/generator.hpp"
#include "payload/json_path.hpp"
#include "payload/scenario_files.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <map>
#include <optional>

namespace linkhook {

namespace {

using Json = nlohmann::ordered_json;

// A story's payloads at most: a scenario is a story, not a load test.
constexpr std::uint64_t k_max_payloads = 1'000'000;

class ScenarioReader {
public:
  explicit ScenarioReader(std::string_view origin) : m_origin(origin) {}

  [[noreturn]] void fail(std::string_view problem) const {
    throw Error(fmt::format("{}: {}", m_origin, problem));
  }

  std::string text(const Json& object, const char* key, std::string_view where, bool required) {
    const auto found = object.find(key);
    if (found == object.end()) {
      if (required) {
        fail(fmt::format("{}: no \"{}\"", where, key));
      }
      return {};
    }
    if (!found->is_string()) {
      fail(fmt::format("{}: \"{}\" is not a string", where, key));
    }
    return found->get<std::string>();
  }

  std::int64_t duration_ms(const Json& step, const char* key, std::string_view where) {
    const auto text_value = text(step, key, where, false);
    if (text_value.empty()) {
      return 0;
    }
    const auto parsed = parse_duration(text_value);
    if (!parsed) {
      fail(fmt::format("{}: \"{}\" '{}' is not a duration like 90s, 5m, 1h30m or 7d", where, key,
                       text_value));
    }
    return parsed->count();
  }

  std::uint64_t whole(const Json& object, const char* key, std::string_view where,
                      std::uint64_t fallback) {
    const auto found = object.find(key);
    if (found == object.end()) {
      return fallback;
    }
    if (!found->is_number_unsigned() || found->get<std::uint64_t>() < 1) {
      fail(fmt::format("{}: \"{}\" is not a whole number from 1", where, key));
    }
    return found->get<std::uint64_t>();
  }

private:
  std::string_view m_origin;
};

ScenarioStep parse_step(ScenarioReader& reader, const Json& node, std::size_t index,
                        const std::vector<ScenarioStep>& earlier) {
  const auto where = fmt::format("step {}", index + 1);
  if (!node.is_object()) {
    reader.fail(where + " is not an object");
  }
  ScenarioStep step;
  step.name = reader.text(node, "name", where, false);
  if (step.name.empty()) {
    step.name = fmt::format("step{}", index + 1);
  }
  const auto named = fmt::format("step '{}'", step.name);
  step.event = &require_event(reader.text(node, "event", named, true));
  step.count = reader.whole(node, "count", named, 1);
  step.at_ms = reader.duration_ms(node, "at", named);
  step.over_ms = reader.duration_ms(node, "over", named);
  if (const auto after = node.find("after"); after != node.end()) {
    if (!after->is_object() || node.contains("at") || step.count != 1) {
      reader.fail(named + ": \"after\" is {\"step\": NAME, \"nth\": N}, for one payload "
                          "without \"at\"");
    }
    step.after = reader.text(*after, "step", named + ": \"after\"", true);
    step.after_nth = reader.whole(*after, "nth", named + ": \"after\"", 1);
    const auto anchor = std::find_if(earlier.begin(), earlier.end(),
                                     [&](const ScenarioStep& s) { return s.name == step.after; });
    if (anchor == earlier.end() || !anchor->after.empty()) {
      reader.fail(fmt::format("{} comes after step '{}', which is not an earlier step with a "
                              "time of its own",
                              named, step.after));
    }
    if (step.after_nth > anchor->count) {
      reader.fail(fmt::format("{} comes after payload {} of step '{}', which has {}", named,
                              step.after_nth, step.after, anchor->count));
    }
  }
  if (const auto set = node.find("set"); set != node.end()) {
    if (!set->is_object()) {
      reader.fail(named + ": \"set\" is not an object of PATH: value");
    }
    step.set = *set;
  }
  return step;
}

// What "${...}" can name in a step's "set": the values, the times of steps' first payloads
// ("time:STEP", and "time:start" for the story's start), and the payload's number in its step.
struct References {
  const Json& values;
  std::map<std::string, UnixSeconds> times;
  std::uint64_t n = 0;
};

// Fills the references in the strings of `node`. A string that is one reference alone takes the
// value's type.
Json filled(const Json& node, const References& references, std::string_view origin) {
  if (!node.is_string()) {
    return node;
  }
  const auto& text = node.get_ref<const std::string&>();
  const auto value_of = [&](const std::string& name) -> Json {
    if (name == "n") {
      return references.n;
    }
    if (name.starts_with("time:")) {
      const auto found = references.times.find(name.substr(5));
      if (found == references.times.end()) {
        throw Error(fmt::format("{}: ${{{}}} names no step", origin, name));
      }
      return format_iso8601(found->second);
    }
    const auto found = references.values.find(name);
    if (found == references.values.end()) {
      throw Error(fmt::format("{}: ${{{}}} names no value", origin, name));
    }
    return *found;
  };
  if (text.starts_with("${") && text.ends_with("}") && text.find("${", 2) == std::string::npos) {
    return value_of(text.substr(2, text.size() - 3));
  }
  std::string out;
  for (std::size_t at = 0; at < text.size();) {
    const auto open = text.find("${", at);
    const auto close = open == std::string::npos ? open : text.find('}', open);
    if (close == std::string::npos) {
      out.append(text, at);
      break;
    }
    out.append(text, at, open - at);
    const auto value = value_of(text.substr(open + 2, close - open - 2));
    out += value.is_string() ? value.get<std::string>() : value.dump();
    at = close + 1;
  }
  return out;
}

} // namespace

Scenario parse_scenario(std::string_view text, std::string_view origin) {
  ScenarioReader reader(origin);
  const auto document = Json::parse(text, nullptr, false);
  if (document.is_discarded() || !document.is_object()) {
    reader.fail("not a JSON object");
  }
  Scenario scenario;
  scenario.name = reader.text(document, "name", "the scenario", true);
  scenario.description = reader.text(document, "description", "the scenario", false);
  if (const auto values = document.find("values"); values != document.end()) {
    if (!values->is_object()) {
      reader.fail("\"values\" is not an object of NAME: placeholder text");
    }
    scenario.values = *values;
  }
  const auto steps = document.find("steps");
  if (steps == document.end() || !steps->is_array() || steps->empty()) {
    reader.fail("\"steps\" is not a list of steps");
  }
  for (std::size_t i = 0; i < steps->size(); ++i) {
    scenario.steps.push_back(parse_step(reader, (*steps)[i], i, scenario.steps));
    scenario.payloads += scenario.steps.back().count;
    if (scenario.payloads > k_max_payloads) {
      reader.fail(fmt::format("more than {} payloads", k_max_payloads));
    }
  }
  return scenario;
}

const std::vector<Scenario>& builtin_scenarios() {
  static const auto scenarios = [] {
    std::vector<Scenario> all;
    for (const auto& file : embedded_scenarios()) {
      all.push_back(
          parse_scenario(file.text, fmt::format("fixtures/scenarios/{}.json", file.name)));
    }
    return all;
  }();
  return scenarios;
}

const Scenario& require_scenario(std::string_view name) {
  const auto& all = builtin_scenarios();
  std::vector<std::string_view> names;
  for (const auto& scenario : all) {
    if (scenario.name == name) {
      return scenario;
    }
    names.push_back(scenario.name);
  }
  throw Error(fmt::format("no scenario '{}'{}; 'linkhook scenario list' lists them", name,
                          did_you_mean(name, names)));
}

void tell_story(const Scenario& scenario, std::uint64_t seed, UnixSeconds start,
                const std::function<void(const StoryPayload&)>& visit) {
  Random random(seed);
  // The values, drawn once: one payload of a fixture made of them, so that values of one
  // family and label agree ("{{url:page}}" and "{{title:page}}").
  Json values = Json::object();
  if (!scenario.values.empty()) {
    PayloadGenerator drawing(scenario.values.dump(), {});
    std::string drawn;
    drawing.append(drawn, random, start);
    values = Json::parse(drawn);
  }
  // The timed payloads in time order (a step's payloads spread at random over its span), then
  // each "after" step's payload right after its anchor.
  struct Slot {
    std::size_t step;
    UnixSeconds time;
  };
  std::vector<Slot> slots;
  std::map<std::string, std::vector<std::size_t>> step_slots; // its payloads' places, by nth
  for (std::size_t i = 0; i < scenario.steps.size(); ++i) {
    const auto& step = scenario.steps[i];
    if (!step.after.empty()) {
      continue;
    }
    std::vector<std::int64_t> offsets;
    for (std::uint64_t n = 0; n < step.count; ++n) {
      offsets.push_back(step.at_ms + (step.over_ms > 0 ? random.between(0, step.over_ms) : 0));
    }
    std::sort(offsets.begin(), offsets.end());
    for (const auto offset : offsets) {
      slots.push_back({i, start + offset / 1000});
    }
  }
  std::stable_sort(slots.begin(), slots.end(),
                   [](const Slot& a, const Slot& b) { return a.time < b.time; });
  for (std::size_t i = 0; i < scenario.steps.size(); ++i) {
    const auto& step = scenario.steps[i];
    if (step.after.empty()) {
      continue;
    }
    std::size_t seen = 0;
    for (std::size_t at = 0; at < slots.size(); ++at) {
      if (scenario.steps[slots[at].step].name == step.after && ++seen == step.after_nth) {
        slots.insert(slots.begin() + static_cast<std::ptrdiff_t>(at) + 1, {i, slots[at].time});
        break;
      }
    }
  }
  References references{.values = values, .times = {{"start", start}}, .n = 0};
  for (const auto& slot : slots) {
    references.times.emplace(scenario.steps[slot.step].name, slot.time);
  }
  // A generator per step, its fields set from the references; per payload for a step whose
  // fields name the payload's number.
  const auto origin = fmt::format("scenario '{}'", scenario.name);
  const auto generator_of = [&](const ScenarioStep& step) {
    std::vector<Assignment> assignments;
    for (const auto& [path, value] : step.set.items()) {
      auto assignment = parse_assignment(fmt::format("{}=null", path), origin + "'s \"set\"");
      assignment.value = filled(value, references, origin);
      assignments.push_back(std::move(assignment));
    }
    return PayloadGenerator(step.event->fixture, assignments);
  };
  std::vector<std::optional<PayloadGenerator>> generators(scenario.steps.size());
  std::vector<std::uint64_t> numbers(scenario.steps.size());
  std::vector<bool> numbered(scenario.steps.size());
  for (std::size_t i = 0; i < scenario.steps.size(); ++i) {
    numbered[i] = scenario.steps[i].set.dump().find("${n}") != std::string::npos;
  }
  StoryPayload payload;
  for (const auto& slot : slots) {
    const auto& step = scenario.steps[slot.step];
    references.n = ++numbers[slot.step];
    auto& generator = generators[slot.step];
    if (!generator || numbered[slot.step]) {
      generator.emplace(generator_of(step));
    }
    payload.step = step.name;
    payload.event = step.event->name;
    payload.time = slot.time;
    payload.body.clear();
    generator->append(payload.body, random, slot.time);
    visit(payload);
  }
}

std::vector<StoryPayload> tell_story(const Scenario& scenario, std::uint64_t seed,
                                     UnixSeconds start) {
  std::vector<StoryPayload> story;
  story.reserve(scenario.payloads);
  tell_story(scenario, seed, start, [&](const StoryPayload& payload) { story.push_back(payload); });
  return story;
}

} // namespace linkhook
