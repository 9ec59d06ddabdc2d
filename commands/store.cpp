#include "base/clock.hpp"
#include "base/error.hpp"
#include "base/file_io.hpp"
#include "base/json_depth.hpp"
#include "base/signals.hpp"
#include "base/terminal.hpp"
#include "base/text.hpp"
#include "base/timestamp.hpp"
#include "commands.hpp"
#include "store/curl_script.hpp"
#include "store/event_store.hpp"
#include "store/har.hpp"
#include "store/json.hpp"
#include "store/record_diff.hpp"
#include "store/record_filter.hpp"
#include "store/replay_selection.hpp"
#include "store/store_view.hpp"
#include "support/store_options.hpp"
#include "version.hpp"

#include <chrono>
#include <deque>
#include <fmt/format.h>
#include <functional>
#include <iterator>
#include <memory>
#include <unordered_map>

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
  std::string other_id; // diff's B
  std::string file;
  std::string format = "ndjson";         // export
  std::vector<std::string> body_filters; // wait --filter PATH=VALUE
  std::optional<std::string> since;      // wait --since TIME
  double timeout = 0;                    // wait --timeout SECONDS
};

// The filter of --event, --verdict and --kind.
RecordFilter record_filter(const StoreOptions& options) {
  auto filter = options.filter;
  if (options.kind) {
    filter.kind = parse_kind(*options.kind);
  }
  return filter;
}

// Visits the records of the store in `dir`, oldest first, and reports what the scan skipped.
void for_each_record(const std::filesystem::path& dir, const RecordVisitor& visit) {
  report_damage(scan_store(dir, visit), dir);
}

// Visits the records the filter selects.
void for_each_record(const StoreOptions& options, const std::filesystem::path& dir,
                     const RecordVisitor& visit) {
  const auto filter = record_filter(options);
  for_each_record(dir, [&](const StoreRecord& record) {
    if (matches(filter, record)) {
      visit(record);
    }
  });
}

// The same, with --limit only the newest N of them (read from the end of the log, however long
// it is), still oldest first.
void for_each_selected(const StoreOptions& options, const std::filesystem::path& dir,
                       const RecordVisitor& visit) {
  if (!options.limit) {
    for_each_record(options, dir, visit);
    return;
  }
  const auto filter = record_filter(options);
  std::deque<StoreRecord> newest;
  report_damage(scan_store_newest_first(dir,
                                        [&](const StoreRecord& record) {
                                          if (newest.size() < *options.limit &&
                                              matches(filter, record)) {
                                            newest.push_front(record);
                                          }
                                          return newest.size() < *options.limit;
                                        }),
                dir);
  for (const auto& record : newest) {
    visit(record);
  }
}

// The rows of `store list --failed`. The filter sees the latest attempts record of each event,
// except for --kind, which is the event's.
void add_failed_rows(const StoreOptions& options, const std::filesystem::path& dir,
                     const std::function<void(ListRow)>& add) {
  ReplayHistory history;
  std::unordered_map<std::string, RecordKind> event_kinds;
  for_each_record(dir, [&](const StoreRecord& record) {
    history.add(record);
    if (record.kind != RecordKind::attempts) {
      event_kinds.emplace(record.id, record.kind);
    }
  });
  auto filter = record_filter(options);
  const auto kind = filter.kind;
  filter.kind.reset();
  for (const auto& attempts : history.failed()) {
    const auto found = event_kinds.find(attempts.ref);
    const auto event_kind = found == event_kinds.end() ? RecordKind::attempts : found->second;
    if (matches(filter, attempts) && (!kind || *kind == event_kind)) {
      add(failed_row(attempts, event_kind, options.json));
    }
  }
}

int run_list(const StoreOptions& options) {
  const auto dir = store_dir(options.store);
  // --json without --limit streams: each row goes out as it is read, whatever the store holds.
  const bool stream = options.json && !options.limit;
  std::deque<ListRow> rows; // the newest --limit rows, oldest first
  const auto add = [&](ListRow row) {
    if (stream) {
      write_all(stdout, row[0]);
      return;
    }
    rows.push_back(std::move(row));
    if (options.limit && rows.size() > *options.limit) {
      rows.pop_front();
    }
  };
  if (options.failed) {
    add_failed_rows(options, dir, add);
  } else {
    for_each_selected(options, dir,
                      [&](const StoreRecord& record) { add(list_row(record, options.json)); });
  }
  std::string out;
  if (options.json) {
    for (const auto& row : rows) {
      out += row[0];
    }
  } else if (rows.empty()) {
    fmt::print(stderr, "no records in {}\n", dir.string());
  } else {
    out = list_table(rows, color_enabled(stdout));
  }
  write_all(stdout, out);
  return 0;
}

// The first record with this id (of --kind, when given), and what else shares the id. Throws
// Error (usage) when there is none, naming the kinds there are or the closest id.
FoundRecord find_stored(const StoreOptions& options, const std::filesystem::path& dir,
                        const std::string& id) {
  const auto kind = record_filter(options).kind;
  FoundRecord found;
  std::vector<std::string> ids;
  for_each_record(dir, [&](const StoreRecord& record) {
    if (record.id != id) {
      ids.push_back(record.id);
    } else if (kind && record.kind != *kind) {
      found.other_kinds.insert(kind_name(record.kind));
    } else if (found.record) {
      ++found.later_copies;
      if (record.kind != found.record->kind) {
        found.other_kinds.insert(kind_name(record.kind));
      }
    } else {
      found.record = record;
    }
  });
  if (!found.record && !found.other_kinds.empty()) {
    throw Error(fmt::format("no {} record with id '{}' in {}, only of kind {}", *options.kind, id,
                            dir.string(), kinds_text(found.other_kinds)));
  }
  if (!found.record) {
    throw Error(
        fmt::format("no record with id '{}' in {}{}", id, dir.string(), did_you_mean(id, ids)));
  }
  return found;
}

int run_show(const StoreOptions& options) {
  const auto dir = store_dir(options.store);
  const auto found = find_stored(options, dir, options.id);
  write_all(stdout,
            options.json ? json_line(record_to_json(*found.record)) : describe_record(found));
  return 0;
}

int run_diff(const StoreOptions& options) {
  const auto dir = store_dir(options.store);
  const auto a = find_stored(options, dir, options.id);
  const auto b = find_stored(options, dir, options.other_id);
  const auto diff = diff_records(*a.record, *b.record);
  write_all(stdout, options.json ? json_line(diff_json(diff)) : describe_diff(diff));
  return diff.identical() ? 0 : static_cast<int>(ExitCode::failed);
}

int run_export(const StoreOptions& options) {
  if (options.format == "har") {
    write_all(stdout, har_head(k_version));
    std::size_t entries = 0;
    std::size_t left_out = 0;
    for_each_selected(options, store_dir(options.store), [&](const StoreRecord& record) {
      if (const auto entry = har_entry(record, entries == 0)) {
        write_all(stdout, *entry);
        ++entries;
      } else {
        ++left_out;
      }
    });
    write_all(stdout, har_tail());
    if (left_out > 0) {
      fmt::print(stderr,
                 "linkhook: {} attempts record{} left out: a replay's attempts hold no request of "
                 "their own (their event's record does); --format ndjson keeps them\n",
                 left_out, left_out == 1 ? "" : "s");
    }
    return 0;
  }
  if (options.format == "curl") {
    write_all(stdout, curl_script_head());
    std::size_t number = 0;
    for_each_selected(options, store_dir(options.store), [&](const StoreRecord& record) {
      write_all(stdout, curl_command(record, ++number));
    });
    write_all(stdout, curl_script_tail());
    return 0;
  }
  for_each_selected(options, store_dir(options.store), [](const StoreRecord& record) {
    write_all(stdout, json_line(record_to_json(record)));
  });
  return 0;
}

// --since: an ISO-8601 time (milliseconds kept) or Unix seconds.
std::int64_t since_ms(const std::string& text) {
  if (const auto ms = parse_time_ms(text)) {
    return *ms;
  }
  throw Error(
      fmt::format("--since: '{}' is not a time (2026-01-31T09:00:00Z, or Unix seconds)", text));
}

// "link.clicked records with data.country=US stored since 2026-...Z", for the timeout's message.
std::string wanted_text(const StoreOptions& options, const RecordFilter& filter) {
  auto text = fmt::format("{} records", filter.event.value_or("event"));
  if (options.kind) {
    text += " of kind " + *options.kind;
  }
  if (options.filter.verdict) {
    text += " with verdict " + *options.filter.verdict;
  }
  for (std::size_t i = 0; i < options.body_filters.size(); ++i) {
    text += fmt::format("{} {}", i == 0 ? " with" : ",", options.body_filters[i]);
  }
  return text + " stored since " + format_iso8601_ms(*filter.since_ms);
}

// `store wait`: reads the store as it grows until a record matches or the time is up.
int run_wait(const StoreOptions& options) {
  const auto dir = store_dir(options.store);
  auto filter = record_filter(options);
  for (const auto& text : options.body_filters) {
    filter.body.push_back(parse_assignment(text, "--filter"));
  }
  filter.since_ms = options.since ? since_ms(*options.since) : unix_now_ms();
  SignalWatch signals;
  const auto awaited = wait_for_record(dir, filter, steady_after(options.timeout), signals.fd());
  if (awaited.interrupted) {
    return static_cast<int>(ExitCode::interrupted);
  }
  const auto& found = awaited.record;
  if (!found) {
    fmt::print(stderr, "linkhook: no {} in {} within {} s\n", wanted_text(options, filter),
               dir.string(), options.timeout);
    return static_cast<int>(ExitCode::failed);
  }
  write_all(stdout, options.json ? json_line(record_to_json(*found))
                                 : describe_record(FoundRecord{
                                       .record = found, .later_copies = 0, .other_kinds = {}}));
  return 0;
}

// What import or clear did: as JSON, as a line of text, or with --quiet not at all.
void report_done(const StoreOptions& options, const nlohmann::ordered_json& json,
                 const std::string& text) {
  if (!options.quiet) {
    write_all(stdout, options.json ? json_line(json) : text);
  }
}

// The records that the store in `dir` does not hold yet, so that importing an export twice
// changes nothing. A record is identified by all of its fields (its bytes in the log): an
// export reproduces them exactly, while records that differ in anything (a duplicate delivery
// under the same id, the sent and the received copy of one event) stay distinct. Identical
// records count with their number: an input holding one twice adds as many as the store lacks.
std::vector<StoreRecord> not_stored_yet(std::vector<StoreRecord> records,
                                        const std::filesystem::path& dir) {
  std::unordered_map<std::string, std::size_t> held; // stored copies of each input record
  for (const auto& record : records) {
    held.emplace(encode_record(record), 0);
  }
  for_each_record(dir, [&](const StoreRecord& record) {
    if (const auto it = held.find(encode_record(record)); it != held.end()) {
      ++it->second;
    }
  });
  std::erase_if(records, [&](const StoreRecord& record) {
    auto& copies = held[encode_record(record)];
    if (copies == 0) {
      return false;
    }
    --copies;
    return true;
  });
  return records;
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
  const auto fresh = not_stored_yet(records, dir);
  EventStore(dir).append(fresh); // all in one write and one sync: all or nothing
  const auto already = records.size() - fresh.size();
  report_done(options, {{"imported", fresh.size()}, {"already_stored", already}},
              fmt::format("imported {} {} into {}, {} already stored\n", fresh.size(),
                          fresh.size() == 1 ? "record" : "records", dir.string(), already));
  return 0;
}

int run_clear(const StoreOptions& options) {
  const auto dir = store_dir(options.store);
  const auto removed = clear_store(dir);
  report_done(options, {{"removed", removed}},
              fmt::format("removed {} records from {}\n", removed, dir.string()));
  return 0;
}

void add_kind_option(CLI::App& sub, StoreOptions& options, const std::string& help) {
  sub.add_option("--kind", options.kind, help)
      ->check(CLI::IsMember({"received", "sent", "attempts"}));
}

void add_limit_option(CLI::App& sub, StoreOptions& options) {
  sub.add_option("-n,--limit", options.limit,
                 "Only the newest N records (read from the end of the store, however long)")
      ->check(CLI::PositiveNumber);
}

void add_filter_options(CLI::App& sub, StoreOptions& options) {
  sub.add_option("--event", options.filter.event, "Only events matching this glob ('link.*')")
      ->type_name("EVENT");
  // "gave up", as store list prints it, is taken for the one word "gave-up" too.
  sub.add_option("--verdict", options.filter.verdict,
                 "Only records with this verdict (gave-up for 'gave up')")
      ->transform(CLI::IsMember(
          std::vector<std::string>(std::begin(k_verdict_words), std::end(k_verdict_words)),
          [](std::string value) { return verdict_word(value); }));
  add_kind_option(sub, options, "Only records of this kind");
}

// `linkhook store` alone. A mistyped action, or a stray word after one, is CLI11's error, which
// main turns into a suggestion.
void require_action(const CLI::App& store) {
  if (store.get_subcommands().empty()) {
    throw Error(
        "name what to do: linkhook store list, show ID, export, import FILE, clear or wait");
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
  auto* store = app.add_subcommand(
      "store", "List, show, diff, export, import, clear or wait for stored events");
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
  add_limit_option(*list, *options);

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
  add_kind_option(*show, *options,
                  "Only a record of this kind (one sent and one received may "
                  "share an id)");

  auto* diff = add_action(
      *store,
      {"diff", "What changed between two records: headers, and the body field by field",
       "One JSON object: {\"identical\", \"headers\": [{name, a, b}], \"body\"}",
       "  linkhook store diff msg_2KWPBgLlAfxdpx2AI54pPJ85f4W msg_2KWPBgLlAfxdpx2AI54pPJ85f4X\n"
       "  linkhook store diff msg_1 msg_1 --kind sent   # exit 0: identical",
       run_diff},
      options, exit_code);
  diff->add_option("a", options->id, "A record id (store list --json shows them)")->required();
  diff->add_option("b", options->other_id, "The record to compare it with")->required();
  add_kind_option(*diff, *options,
                  "Only records of this kind (one sent and one received may share an id)");
  diff->footer(
      "Headers are compared by name (added +, removed -, changed ~); bodies that are both JSON\n"
      "field by field, as JSON paths with the values side by side; other bodies by the range\n"
      "of bytes that differs. Exit status: 0 when identical, 1 when they differ, 2 for a usage\n"
      "error (a record that is not stored).\n\n"
      "Examples:\n"
      "  linkhook store diff msg_2KWPBgLlAfxdpx2AI54pPJ85f4W msg_2KWPBgLlAfxdpx2AI54pPJ85f4X\n"
      "  linkhook store diff msg_1 msg_2 --json | jq '.body[].path'");

  auto* exporter = add_action(
      *store,
      {"export", "Every record as NDJSON (lossless), a HAR log, or a curl script",
       "NDJSON (the only output; accepted for symmetry)",
       "  linkhook store export > events.ndjson\n"
       "  linkhook store export --event 'team.*' | linkhook store import - --store /tmp/team\n"
       "  linkhook store export --format har --limit 100 > deliveries.har\n"
       "  linkhook store export --format curl --event 'link.*' > resend.sh && sh resend.sh "
       "\"$URL\"",
       run_export},
      options, exit_code);
  add_filter_options(*exporter, *options);
  exporter
      ->add_option("--format", options->format,
                   "ndjson (lossless, the default); har: a HAR 1.2 log for browser devtools and "
                   "HTTP tools; or curl: a shell script that re-sends each record's exact bytes "
                   "and headers (sh SCRIPT URL)")
      ->check(CLI::IsMember({"ndjson", "har", "curl"}));
  add_limit_option(*exporter, *options);

  auto* importer =
      add_action(*store,
                 {"import", "Add the records of an export that the store does not hold yet",
                  "Print {\"imported\": N, \"already_stored\": M}",
                  "  linkhook store import events.ndjson   # twice: adds nothing\n"
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

  auto* wait = add_action(
      *store,
      {"wait", "Wait for a record to be stored, and print it (exit 1 at the timeout)",
       "The record as one JSON object, as store show --json prints it",
       "  linkhook store wait --event link.clicked --filter data.click.country=US --timeout 10\n"
       "  my-app-test & linkhook store wait --event 'team.*' --kind received --timeout 30 --json",
       run_wait},
      options, exit_code);
  add_filter_options(*wait, *options);
  wait->add_option("--filter", options->body_filters,
                   "The JSON body holds VALUE at PATH (dotted, as --set takes it); repeatable")
      ->type_name("PATH=VALUE");
  wait->add_option("--since", options->since,
                   "Only records stored at or after TIME (ISO-8601 or Unix seconds; default: now)")
      ->type_name("TIME");
  wait->add_option("--timeout", options->timeout, "Give up after SECONDS (exit 1)")
      ->type_name("SECONDS")
      ->required()
      ->check(CLI::Range(0.0, 1e9)); // 31 years: far beyond any wait, well within the clock
  wait->footer(wait->get_footer() +
               "\n\nExit status: 0 when a record matched, 1 when none came within --timeout, 130 "
               "when interrupted.");
  store->callback([store] { require_action(*store); });
}

} // namespace linkhook::cmd
