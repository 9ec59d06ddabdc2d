#include "base/error.hpp"
#include "base/terminal.hpp"
#include "commands.hpp"
#include "payload/events.hpp"
#include "schema/event_schema.hpp"
#include "version.hpp"

#include <memory>

namespace linkhook::cmd {

namespace {

struct SchemaOptions {
  std::optional<std::string> event;
  bool all = false;
  bool asyncapi = false;
  bool json = false; // compact, on one line
};

int run_schema(const SchemaOptions& options) {
  if (static_cast<int>(options.event.has_value()) + static_cast<int>(options.all) +
          static_cast<int>(options.asyncapi) !=
      1) {
    throw Error("name an event, or give --all or --asyncapi; 'linkhook events' lists the events");
  }
  const auto document = options.asyncapi ? asyncapi_document(k_version)
                        : options.all    ? all_event_schemas()
                                         : event_schema(require_event(*options.event));
  write_all(stdout, document.dump(options.json ? -1 : 2) + "\n");
  return 0;
}

} // namespace

void add_schema(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<SchemaOptions>();
  auto* sub = app.add_subcommand("schema", "Print the JSON Schema of an event's payload");
  sub->add_option("event", options->event, "The event (linkhook events lists them)")
      ->type_name("EVENT");
  sub->add_flag("--all", options->all, "Every event's schema, as one object {EVENT: schema}");
  sub->add_flag("--asyncapi", options->asyncapi,
                "An AsyncAPI 3.0 document of the 13 events as one webhook API");
  sub->add_flag("--json", options->json, "Compact JSON on one line (the default is indented)");
  sub->footer(
      "The schemas (JSON Schema draft-07) are derived from the fixtures that generate fills, so\n"
      "every payload generate prints is valid: each field the event always carries is required,\n"
      "with its type, its format (date-time, email, uri, ipv4/ipv6), a pattern for ids, and an\n"
      "enum where the value comes from a fixed set (a device, a plan, a reason). linkhook\n"
      "validate checks payloads against them; other tools (ajv, code generators, AsyncAPI\n"
      "tooling) can use them as they are.\n\n"
      "Examples:\n"
      "  linkhook schema link.clicked\n"
      "  linkhook schema --all > linkzly-events.schema.json\n"
      "  linkhook schema --asyncapi > asyncapi.json");
  sub->callback([options, &exit_code] { exit_code = run_schema(*options); });
}

} // namespace linkhook::cmd
