#include "commands.hpp"
#include "error.hpp"
#include "event_store.hpp"
#include "file_io.hpp"
#include "json_depth.hpp"
#include "record_filter.hpp"
#include "replay_selection.hpp"
#include "store_json.hpp"
#include "store_options.hpp"
#include "terminal.hpp"
#include "text.hpp"
#include "timestamp.hpp"

#include <deque>
#include <fmt/format.h>
#include <memory>

namespace linkhook::cmd {

namespace {

struct StoreOptions {
  std::optional<std::string> store;
  bool json = false;
  bool quiet = false; // import and clear: nothing on stdout
  RecordFilter filter;
  std::optional<std::string> kind;
  std::optional<std::size_t> limit;
  bool failed = false;
  std::string id;
  std::string file;
};

// "2025-10-19T10:30:00Z", or with milliseconds "2025-10-19T10:30:00.123Z".
std::string format_time_ms(std::int64_t ms, bool with_millis) {
  auto text = format_iso8601(ms / 1000);
  if (with_millis) {
    text.insert(text.size() - 1, fmt::format(".{:03}", ms % 1000));
  }
  return text;
}

// Visits the records the filter selects, oldest first, and reports what the scan skipped.
void for_each_record(const StoreOptions& options, const std::filesystem::path& dir,
                     const RecordVisitor& visit) {
  auto filter = options.filter;
  if (options.kind) {
    filter.kind = parse_kind(*options.kind);
  }
  report_damage(scan_store(dir,
                           [&](const StoreRecord& record) {
                             if (matches(filter, record)) {
                               visit(record);
                             }
                           }),
                dir);
}

constexpr std::size_t k_verdict_column = 3;

Color verdict_color(std::string_view verdict) {
  if (verdict == "verified" || verdict == "delivered") {
    return Color::green;
  }
  return verdict == "duplicate" ? Color::yellow : Color::red;
}

// The rows under a header, columns padded to their widest cell, verdicts coloured.
std::string table(const std::deque<std::vector<std::string>>& rows, bool color) {
  const std::vector<std::string> header = {"TIME", "ID", "EVENT", "VERDICT", "STATUS"};
  std::vector<std::size_t> widths(header.size());
  for (std::size_t i = 0; i < header.size(); ++i) {
    widths[i] = header[i].size();
    for (const auto& row : rows) {
      widths[i] = std::max(widths[i], row[i].size());
    }
  }
  const auto line = [&](const std::vector<std::string>& row, bool paint_verdict) {
    std::string text;
    for (std::size_t i = 0; i + 1 < row.size(); ++i) {
      const auto cell = fmt::format("{:{}}  ", row[i], widths[i]);
      text +=
          i == k_verdict_column && paint_verdict ? paint(cell, verdict_color(row[i]), color) : cell;
    }
    return text + row.back() + "\n";
  };
  std::string out = line(header, false);
  for (const auto& row : rows) {
    out += line(row, true);
  }
  return out;
}

// A row of `store list`: the table's cells, or one JSON line.
std::vector<std::string> record_row(const StoreOptions& options, const StoreRecord& record) {
  if (options.json) {
    return {json_line(record_summary_json(record))};
  }
  return {format_time_ms(record.time_ms, false), record.id,
          record.event.empty() ? "-" : record.event, std::string(verdict_name(record)),
          record.verdict.status == 0 ? "-" : std::to_string(record.verdict.status)};
}

// --failed: an event whose latest replay did not deliver it, under the event's id (what
// `replay` takes), from that replay's attempts record.
std::vector<std::string> failed_row(const StoreOptions& options, const StoreRecord& attempts) {
  const std::string ending(replay_ending(attempts));
  if (options.json) {
    return {
        json_line({{"id", attempts.ref},
                   {"event", attempts.event},
                   {"replayed_at", format_time_ms(attempts.time_ms, true)},
                   {"ending", ending},
                   {"status", attempts.verdict.status},
                   {"attempts", attempts.extra.value("attempts", nlohmann::json::array()).size()},
                   {"url", attempts.extra.value("url", "")},
                   {"record", attempts.id}})};
  }
  return {format_time_ms(attempts.time_ms, false), attempts.ref,
          attempts.event.empty() ? "-" : attempts.event, ending,
          attempts.verdict.status == 0 ? "-" : std::to_string(attempts.verdict.status)};
}

int run_list(const StoreOptions& options) {
  const auto dir = store_dir(options.store);
  std::deque<std::vector<std::string>> rows; // the newest --limit rows, oldest first
  const auto add = [&](std::vector<std::string> row) {
    rows.push_back(std::move(row));
    if (options.limit && rows.size() > *options.limit) {
      rows.pop_front();
    }
  };
  if (options.failed) {
    ReplayHistory history;
    for_each_record(options, dir, [&](const StoreRecord& record) { history.add(record); });
    for (const auto& attempts : history.failed()) {
      add(failed_row(options, attempts));
    }
  } else {
    for_each_record(options, dir,
                    [&](const StoreRecord& record) { add(record_row(options, record)); });
  }
  std::string out;
  if (options.json) {
    for (const auto& row : rows) {
      out += row[0];
    }
  } else if (rows.empty()) {
    fmt::print(stderr, "no records in {}\n", dir.string());
  } else {
    out = table(rows, color_enabled(stdout));
  }
  write_all(stdout, out);
  return 0;
}

std::string describe(const StoreRecord& record, std::size_t later_copies) {
  const auto& verdict = record.verdict;
  std::string out = fmt::format("id        {}\nkind      {}\nevent     {}\n{:<9} {}\n", record.id,
                                kind_name(record.kind), record.event.empty() ? "-" : record.event,
                                record.kind == RecordKind::received ? "received" : "sent",
                                format_time_ms(record.time_ms, true));
  out += fmt::format("verdict   {}, status {}{}\n", verdict_name(record),
                     verdict.status == 0 ? "-" : std::to_string(verdict.status),
                     verdict.reason.empty() ? "" : fmt::format(" ({})", verdict.reason));
  if (!record.ref.empty()) {
    out += fmt::format("ref       {}\n", record.ref);
  }
  if (later_copies > 0) {
    out += fmt::format("repeats   {} later {} with this id\n", later_copies,
                       later_copies == 1 ? "record" : "records");
  }
  if (!record.extra.is_null()) {
    out += fmt::format("extra     {}", json_line(record.extra));
  }
  out += fmt::format("headers   {}\n", record.headers.size());
  for (const auto& header : record.headers) {
    out += fmt::format("  {}: {}\n", header.name, header.value);
  }
  if (!is_valid_utf8(record.body)) {
    return out + fmt::format("body      {} bytes, binary (not UTF-8); --json gives it as base64\n",
                             record.body.size());
  }
  out += fmt::format("body      {} bytes\n{}", record.body.size(), record.body);
  return record.body.empty() || record.body.ends_with('\n') ? out : out + "\n";
}

int run_show(const StoreOptions& options) {
  const auto dir = store_dir(options.store);
  std::optional<StoreRecord> found;
  std::size_t later_copies = 0;
  std::vector<std::string> ids;
  for_each_record(options, dir, [&](const StoreRecord& record) {
    if (record.id != options.id) {
      ids.push_back(record.id);
    } else if (found) {
      ++later_copies;
    } else {
      found = record;
    }
  });
  if (!found) {
    throw Error(fmt::format("no record with id '{}' in {}{}", options.id, dir.string(),
                            did_you_mean(options.id, ids)));
  }
  write_all(stdout,
            options.json ? json_line(record_to_json(*found)) : describe(*found, later_copies));
  return 0;
}

int run_export(const StoreOptions& options) {
  for_each_record(options, store_dir(options.store), [](const StoreRecord& record) {
    write_all(stdout, json_line(record_to_json(record)));
  });
  return 0;
}

// What import or clear did: as JSON, as a line of text, or with --quiet not at all.
void report_done(const StoreOptions& options, const nlohmann::ordered_json& json,
                 const std::string& text) {
  if (!options.quiet) {
    write_all(stdout, options.json ? json_line(json) : text);
  }
}

int run_import(const StoreOptions& options) {
  const auto input = read_input(options.file, k_import_limit);
  const auto name = options.file == "-" ? std::string("standard input") : options.file;
  std::vector<StoreRecord> records;
  std::size_t line_number = 0;
  for (std::size_t start = 0; start < input.size();) {
    auto end = input.find('\n', start);
    end = end == std::string::npos ? input.size() : end;
    const auto line = std::string_view(input).substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) {
      continue;
    }
    // No record of linkhook's nests deep; a line that does would run the JSON writer off the stack.
    if (json_nesting_depth(line) > k_max_json_depth) {
      throw Error(fmt::format("{} line {}: nested deeper than {} levels, which no record is", name,
                              line_number, k_max_json_depth));
    }
    try {
      records.push_back(record_from_json(nlohmann::ordered_json::parse(line)));
    } catch (const std::exception& e) {
      throw Error(fmt::format("{} line {}: {}", name, line_number, e.what()));
    }
  }
  const auto dir = store_dir(options.store);
  EventStore(dir).append(records); // all in one write and one sync: all or nothing
  report_done(options, {{"imported", records.size()}},
              fmt::format("imported {} records into {}\n", records.size(), dir.string()));
  return 0;
}

int run_clear(const StoreOptions& options) {
  const auto dir = store_dir(options.store);
  const auto removed = clear_store(dir);
  report_done(options, {{"removed", removed}},
              fmt::format("removed {} records from {}\n", removed, dir.string()));
  return 0;
}

void add_filter_options(CLI::App& sub, StoreOptions& options) {
  sub.add_option("--event", options.filter.event, "Only events matching this glob ('link.*')")
      ->type_name("EVENT");
  sub.add_option("--verdict", options.filter.verdict, "Only records with this verdict")
      ->check(CLI::IsMember(
          std::vector<std::string>(std::begin(k_verdict_names), std::end(k_verdict_names))));
  sub.add_option("--kind", options.kind, "Only records of this kind")
      ->check(CLI::IsMember({"received", "sent", "attempts"}));
}

// `linkhook store` alone. A mistyped action, or a stray word after one, is CLI11's error, which
// main turns into a suggestion.
void require_action(const CLI::App& store) {
  if (store.get_subcommands().empty()) {
    throw Error("name what to do: linkhook store list, show ID, export, import FILE or clear");
  }
}

using Runner = int (*)(const StoreOptions&);

struct Action {
  const char* name;
  const char* description;
  const char* json_help;
  const char* examples;
  Runner run;
};

CLI::App* add_action(CLI::App& store, const Action& action,
                     const std::shared_ptr<StoreOptions>& options, int& exit_code) {
  auto* sub = store.add_subcommand(action.name, action.description);
  sub->footer(std::string("Examples:\n") + action.examples);
  add_store_option(*sub, options->store);
  sub->add_flag("--json", options->json, action.json_help);
  sub->callback([options, run = action.run, &exit_code] { exit_code = run(*options); });
  return sub;
}

} // namespace

void add_store(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<StoreOptions>();
  auto* store = app.add_subcommand("store", "List, show, export, import or clear stored events");
  store->require_subcommand(0, 1);
  store->footer("Examples:\n"
                "  linkhook store list --event 'link.*' --verdict rejected\n"
                "  linkhook store show msg_2KWPBgLlAfxdpx2AI54pPJ85f4W\n"
                "  linkhook store export > events.ndjson");

  auto* list = add_action(*store,
                          {"list", "One line per stored record, oldest first",
                           "One JSON object per record and line",
                           "  linkhook store list --limit 20\n"
                           "  linkhook store list --failed\n"
                           "  linkhook store list --event 'link.*' --verdict rejected\n"
                           "  linkhook store list --json | jq -r 'select(.status >= 500) | .id'",
                           run_list},
                          options, exit_code);
  add_filter_options(*list, *options);
  list->add_flag("--failed", options->failed,
                 "Events whose latest replay gave up or was gone (replay them by id)");
  list->add_option("-n,--limit", options->limit, "Only the newest N records")
      ->check(CLI::PositiveNumber);

  auto* show =
      add_action(*store,
                 {"show", "One record in full: headers and body",
                  "One JSON object; a body that is not UTF-8 as body_base64",
                  "  linkhook store show msg_2KWPBgLlAfxdpx2AI54pPJ85f4W\n"
                  "  linkhook store show msg_2KWPBgLlAfxdpx2AI54pPJ85f4W --json | jq .headers",
                  run_show},
                 options, exit_code);
  show->add_option("id", options->id, "The record id (for a received delivery, its webhook-id)")
      ->required();

  auto* exporter = add_action(
      *store,
      {"export", "Every record as NDJSON, losslessly",
       "NDJSON (the only output; accepted for symmetry)",
       "  linkhook store export > events.ndjson\n"
       "  linkhook store export --event 'team.*' | linkhook store import - --store /tmp/team",
       run_export},
      options, exit_code);
  add_filter_options(*exporter, *options);

  auto* importer = add_action(*store,
                              {"import", "Append records from NDJSON written by export",
                               "Print {\"imported\": N}",
                               "  linkhook store import events.ndjson\n"
                               "  ssh ci linkhook store export | linkhook store import -",
                               run_import},
                              options, exit_code);
  importer->add_option("file", options->file, "NDJSON file, or - for standard input")
      ->type_name("FILE")
      ->required();
  importer->add_flag("-q,--quiet", options->quiet, "Print nothing when it worked");

  auto* clear = add_action(*store,
                           {"clear", "Remove every record from the store", "Print {\"removed\": N}",
                            "  linkhook store clear\n"
                            "  linkhook store clear --store ./ci-store --json",
                            run_clear},
                           options, exit_code);
  clear->add_flag("-q,--quiet", options->quiet, "Print nothing when it worked");
  store->callback([store] { require_action(*store); });
}

} // namespace linkhook::cmd
