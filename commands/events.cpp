#include "payload/events.hpp"

#include "base/terminal.hpp"
#include "commands.hpp"

#include <fmt/format.h>
#include <memory>
#include <nlohmann/json.hpp>

namespace linkhook::cmd {

namespace {

struct EventsOptions {
  bool json = false;
};

int run_events(const EventsOptions& options) {
  std::string out;
  if (options.json) {
    auto list = nlohmann::ordered_json::array();
    for (const auto& event : events()) {
      list.push_back({{"name", event.name}, {"description", event.description}});
    }
    out = list.dump() + "\n";
  } else {
    const bool color = color_enabled(stdout);
    for (const auto& event : events()) {
      out += fmt::format("{}{:{}}  {}\n", paint(event.name, Color::bold, color), "",
                         22 - event.name.size(), event.description);
    }
  }
  write_all(stdout, out);
  return 0;
}

} // namespace

void add_events(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<EventsOptions>();
  auto* sub = app.add_subcommand("events", "List the 13 Linkzly webhook events");
  sub->add_flag("--json", options->json, "Print a JSON array of {name, description}");
  sub->footer("Examples:\n"
              "  linkhook events\n"
              "  linkhook events --json | jq -r '.[].name'");
  sub->callback([options, &exit_code] { exit_code = run_events(*options); });
}

} // namespace linkhook::cmd
