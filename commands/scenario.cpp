#include "payload/scenario.hpp"

#include "base/error.hpp"
#include "base/file_io.hpp"
#include "base/random.hpp"
#include "base/terminal.hpp"
#include "commands.hpp"
#include "support/sending.hpp"
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
  double time_scale = 0;
  SendOptions send; // with --url; its --json is the list's too
};

// The options that only sending uses: none of them without --url.
void require_url(const CLI::App& sub, const ScenarioOptions& options) {
  if (!options.send.delivery.url.empty()) {
    return;
  }
  for (const auto* option : sub.get_options()) {
    const auto& name = option->get_name();
    if (option->count() > 0 && option->get_group() != "Story" && name != "--json" &&
        name != "--help" && !option->get_positional()) {
      throw Error(fmt::format("{} is for sending the story: give --url too", name));
    }
  }
}

int run_list(const ScenarioOptions& options) {
  std::string out;
  if (options.send.json) {
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
  const auto start = payload_time(options.timestamp, options.seed.has_value());
  if (!options.send.delivery.url.empty()) {
    if (!(options.time_scale >= 0 && options.time_scale <= 1e6)) {
      throw Error(fmt::format("--time-scale must be from 0 (no waiting) to 1 (real time) or more, "
                              "got {}",
                              options.time_scale));
    }
    auto send = options.send;
    send.seed = seed; // --duplicates and --reorder draw their plan from it too
    const auto secret = resolve_secret(send.signature);
    SendConfig config;
    config.story = tell_story(scenario, seed, start);
    config.count = config.story.size();
    config.time_scale = options.time_scale;
    configure_sending(send, secret, config);
    return run_sending(send, config);
  }
  std::string out;
  tell_story(scenario, seed, start, [&out](const StoryPayload& payload) {
    out += payload.body;
    out += '\n';
    if (out.size() >= (64U << 10)) {
      write_all(stdout, out);
      out.clear();
    }
  });
  write_all(stdout, out);
  return 0;
}

} // namespace

void add_scenario(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ScenarioOptions>();
  auto* sub = app.add_subcommand(
      "scenario", "Print a story of related events (a link going viral, a team onboarding...)");
  const std::string story = "Story";
  sub->add_option("name", options->name, "A built-in scenario, or 'list' to list them")
      ->type_name("NAME");
  sub->add_option("--file", options->file, "Tell this scenario file instead ('-': stdin)")
      ->type_name("FILE")
      ->group(story);
  sub->add_option("--seed", options->seed,
                  "Seed for the story's values and times: the same seed tells the same story")
      ->group(story);
  sub->add_option("--timestamp", options->timestamp,
                  "When the story starts, ISO-8601 or Unix seconds (default: now; with --seed, "
                  "2025-10-19T10:30:00Z)")
      ->group(story);
  const auto retry_flags = add_sending_flags(*sub, options->send, false, "Sending (with --url)");
  sub->add_option("--time-scale", options->time_scale,
                  "With --url: story time x this = real time (0: no waiting, the default; 1: "
                  "real time)")
      ->group("Sending (with --url)");
  sub->footer(
      "A scenario is a story of related events about the same objects: every payload about a\n"
      "link carries its id, the same owner, its creation time; timestamps move forward along\n"
      "the story's own timeline. The payloads are printed in story order, one JSON per line,\n"
      "as generate prints them. Scenarios are data files: fixtures/scenarios/README.md has the\n"
      "format, and --file runs one of your own.\n\n"
      "With --url the story is sent, signed, with all of send's flags: --concurrency, retries,\n"
      "--duplicates and --reorder (as a provider would), --json, the summary. --time-scale maps\n"
      "story time to real time: 0 sends at once, 1 waits as long as the story says.\n\n"
      "Examples:\n"
      "  linkhook scenario list\n"
      "  linkhook scenario viral-link --seed 7 | jq -r .event | uniq -c\n"
      "  linkhook scenario --file my-story.json > story.ndjson\n"
      "  linkhook scenario viral-link --url \"$URL\" --concurrency 8 --duplicates 0.05 --reorder "
      "10");
  sub->callback([options, sub, retry_flags, &exit_code] {
    require_url(*sub, *options);
    retry_flags.check();
    exit_code = run_scenario(*options);
  });
}

} // namespace linkhook::cmd
