#include "base/error.hpp"
#include "base/terminal.hpp"
#include "commands.hpp"
#include "payload/generator.hpp"
#include "support/signature_options.hpp"

#include <fmt/format.h>
#include <memory>
#include <optional>

namespace linkhook::cmd {

namespace {

struct GenerateOptions {
  std::vector<std::string> events;
  bool all = false;
  long long count = 1;
  std::optional<std::uint64_t> seed;
  std::optional<std::string> timestamp;
  std::vector<std::string> sets;
  bool pretty = false;
  bool json = false;
};

GenerateRequest make_request(const GenerateOptions& options) {
  if (options.all == !options.events.empty()) {
    throw Error(options.all ? "give event names or --all, not both"
                            : "name at least one event, or --all; 'linkhook events' lists them");
  }
  if (options.count < 1) {
    throw Error(fmt::format("--count must be at least 1, got {}", options.count));
  }
  GenerateRequest request;
  if (options.all) {
    for (const auto& event : events()) {
      request.events.push_back(&event);
    }
  } else {
    request.events = select_events(options.events);
  }
  request.count = static_cast<std::uint64_t>(options.count);
  request.seed = options.seed.value_or(Random::fresh_seed());
  request.timestamp = payload_time(options.timestamp, options.seed.has_value());
  for (const auto& text : options.sets) {
    request.assignments.push_back(parse_assignment(text));
  }
  request.pretty = options.pretty;
  return request;
}

} // namespace

void add_generate(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<GenerateOptions>();
  auto* sub = app.add_subcommand("generate", "Print sample payloads of events, one JSON per line");
  sub->add_option("event", options->events, "Event names or globs (link.clicked, 'link.*')")
      ->type_name("EVENT");
  sub->add_flag("--all", options->all, "One payload of every event per round");
  sub->add_option("-n,--count", options->count, "Payloads of each event")->default_val(1);
  sub->add_option("--seed", options->seed,
                  "Seed for the varied values: the same seed prints the same bytes");
  sub->add_option("--timestamp", options->timestamp,
                  "Payload time, ISO-8601 or Unix seconds (default: now; with --seed, "
                  "2025-10-19T10:30:00Z)");
  sub->add_option("--set", options->sets,
                  "Override a field: PATH=VALUE, VALUE as JSON if valid, else a string; "
                  "repeatable; a path the event lacks is created, with a note")
      ->allow_extra_args(false);
  sub->add_flag("--pretty", options->pretty, "Indent each payload");
  sub->add_flag("--json", options->json, "Compact JSON lines (the default output)");
  sub->footer("--count N prints N payloads of each event, one of every event per round: 'link.*'\n"
              "--count 100 is 300 payloads (send --count counts the same way).\n\n"
              "Examples:\n"
              "  linkhook generate link.clicked --pretty\n"
              "  linkhook generate --all --seed 7\n"
              "  linkhook generate 'link.*' --count 100 --set data.click.country=DE");
  sub->callback([options, &exit_code] {
    const auto request = make_request(*options);
    for (const auto& note : created_path_notes(request.events, request.assignments)) {
      fmt::print(stderr, "linkhook: note: {}\n", note);
    }
    generate_payloads(request, [](std::string_view chunk) { write_all(stdout, chunk); });
    exit_code = 0;
  });
}

} // namespace linkhook::cmd
