#include "payload/generator.hpp"
#include "payload/scenario.hpp"

#include "base/error.hpp"
#include "base/file_io.hpp"
#include "base/random.hpp"
#include "base/terminal.hpp"
#include "commands.hpp"
#include "support/signature_options.hpp"

#include <fmt/format.h>
#include <memory>
#include <optional>

namespace linkhook::cmd {

namespace {

struct ScenarioOptions {
  std::optional<std::string> name;
  std::optional<std::string> file;
  std::optional<std::uint64_t> seed;
  std::optional<std::string> timestamp;
  bool json = false;
};

int run_list(const ScenarioOptions& options) {
  std::string out;
  if (options.json) {
    auto list = nlohmann::ordered_json::array();
    for (const auto& scenario : builtin_scenarios()) {
      list.push_back({{"name", scenario.name},
                      {"description", scenario.description},
                      {"payloads", scenario.payloads}});
    }
    out = list.dump() + "\n";
  } else {
    const bool color = color_enabled(stdout);
    for (const auto& scenario : builtin_scenarios()) {
      out +=
          fmt::format("{}{:{}}  {}\n", paint(scenario.name, Color::bold, color), "",
                      18 - std::min<std::size_t>(scenario.name.size(), 18), scenario.description);
    }
  }
  write_all(stdout, out);
  return 0;
}

int run_scenario(const ScenarioOptions& options) {
  if (options.name == "list" && !options.file) {
    return run_list(options);
  }
  if (options.name.has_value() == options.file.has_value()) {
    throw Error(options.file ? "give a scenario's name or --file, not both"
                             : "name a scenario, or --file F; 'linkhook scenario list' lists them");
  }
  const auto own =
      options.file
          ? std::optional(parse_scenario(read_input(*options.file, k_text_limit), *options.file))
          : std::nullopt;
  const auto& scenario = own ? *own : require_scenario(*options.name);
  const auto seed = options.seed.value_or(Random::fresh_seed());
  const auto start = options.timestamp ? parse_timestamp_option(*options.timestamp)
                     : options.seed    ? k_seeded_timestamp
                                       : unix_now();
  std::string out;
  for (const auto& payload : tell_story(scenario, seed, start)) {
    out += payload.body;
    out += '\n';
    if (out.size() >= (64U << 10)) {
      write_all(stdout, out);
      out.clear();
    }
  }
  write_all(stdout, out);
  return 0;
}

} // namespace

void add_scenario(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ScenarioOptions>();
  auto* sub = app.add_subcommand(
      "scenario", "Print a story of related events (a link going viral, a team onboarding...)");
  sub->add_option("name", options->name, "A built-in scenario, or 'list' to list them")
      ->type_name("NAME");
  sub->add_option("--file", options->file, "Tell this scenario file instead ('-': stdin)")
      ->type_name("FILE");
  sub->add_option("--seed", options->seed,
                  "Seed for the story's values and times: the same seed tells the same story");
  sub->add_option("--timestamp", options->timestamp,
                  "When the story starts, ISO-8601 or Unix seconds (default: now; with --seed, "
                  "2025-10-19T10:30:00Z)");
  sub->add_flag("--json", options->json,
                "scenario list as a JSON array; a story is JSON lines already");
  sub->footer(
      "A scenario is a story of related events about the same objects: every payload about a\n"
      "link carries its id, the same owner, its creation time; timestamps move forward along\n"
      "the story's own timeline. The payloads are printed in story order, one JSON per line,\n"
      "as generate prints them. Scenarios are data files: fixtures/scenarios/README.md has the\n"
      "format, and --file runs one of your own.\n\n"
      "Examples:\n"
      "  linkhook scenario list\n"
      "  linkhook scenario viral-link --seed 7 | jq -r .event | uniq -c\n"
      "  linkhook scenario --file my-story.json > story.ndjson");
  sub->callback([options, &exit_code] { exit_code = run_scenario(*options); });
}

} // namespace linkhook::cmd
