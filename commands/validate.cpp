#include "base/error.hpp"
#include "base/file_io.hpp"
#include "base/terminal.hpp"
#include "base/text.hpp"
#include "base/worker_threads.hpp"
#include "commands.hpp"
#include "schema/payload_validator.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fmt/format.h>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

namespace linkhook::cmd {

namespace {

struct ValidateOptions {
  std::string file = "-";
  bool json = false;
  bool quiet = false; // only the summary
};

struct Tally {
  std::uint64_t payloads = 0;
  std::uint64_t invalid = 0;
};

// What one payload's check found: its event (when valid, for --json) or its violation.
struct Checked {
  std::uint64_t line = 0;
  std::string event;
  std::optional<Violation> violation;
};

// Reports one payload's verdict and counts it.
class Reporter {
public:
  explicit Reporter(const ValidateOptions& options)
      : m_options(options), m_color(!options.json && color_enabled(stdout)) {}

  void report(const Checked& checked) {
    const auto& violation = checked.violation;
    const auto line = checked.line;
    ++m_tally.payloads;
    m_tally.invalid += violation ? 1U : 0U;
    if (m_options.json) {
      nlohmann::ordered_json out = {{"line", line},
                                    {"event", violation ? violation->event : checked.event},
                                    {"valid", !violation}};
      if (violation) {
        out["pointer"] = violation->pointer;
        out["error"] = violation->message;
      }
      m_out += out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    } else if (violation && !m_options.quiet) {
      const auto event = violation->event.empty() ? "" : printable(violation->event) + ": ";
      m_out += fmt::format("line {}: {}{}\n", line, event,
                           paint(printable(describe(*violation)), Color::red, m_color));
    }
    if (m_out.size() >= (64U << 10)) {
      flush();
    }
  }

  int finish() {
    if (m_tally.payloads == 0) {
      flush();
      throw Error(fmt::format("{}: no payload to validate", m_options.file == "-"
                                                                ? "standard input"
                                                                : "'" + m_options.file + "'"));
    }
    const auto valid = m_tally.payloads - m_tally.invalid;
    if (m_options.json) {
      m_out +=
          nlohmann::ordered_json{
              {"summary",
               {{"payloads", m_tally.payloads}, {"valid", valid}, {"invalid", m_tally.invalid}}}}
              .dump() +
          "\n";
    } else {
      m_out += m_tally.invalid == 0
                   ? fmt::format("{}: all valid\n", count_of(m_tally.payloads, "payload"))
                   : fmt::format("{}: {} valid, {} invalid\n",
                                 count_of(m_tally.payloads, "payload"), valid, m_tally.invalid);
    }
    flush();
    return m_tally.invalid == 0 ? 0 : 1;
  }

private:
  void flush() {
    write_all(stdout, m_out);
    m_out.clear();
  }

  const ValidateOptions& m_options;
  bool m_color;
  Tally m_tally;
  std::string m_out;
};

struct FileClose {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

// Checks one payload, or each payload of a top-level array, as a document of `line`.
void check_document(const PayloadValidator& validator, const nlohmann::json& document,
                    std::uint64_t line, std::vector<Checked>& out) {
  const auto check_one = [&](const nlohmann::json& payload) {
    Checked checked{.line = line, .event = {}, .violation = validator.check(payload)};
    if (!checked.violation) {
      const auto name = payload.find("event");
      checked.event = name != payload.end() && name->is_string() ? name->get<std::string>() : "";
    }
    out.push_back(std::move(checked));
  };
  if (document.is_array()) {
    for (const auto& payload : document) {
      check_one(payload);
    }
  } else {
    check_one(document);
  }
}

void check_text(const PayloadValidator& validator, std::string_view text, std::uint64_t line,
                std::vector<Checked>& out) {
  if (std::string event; validator.conforms(text, &event)) {
    out.push_back({.line = line, .event = std::move(event), .violation = std::nullopt});
    return;
  }
  const auto document = nlohmann::json::parse(text, nullptr, false);
  if (document.is_discarded()) {
    out.push_back({.line = line, .event = {}, .violation = Violation{"", "", "not JSON"}});
  } else {
    check_document(validator, document, line, out);
  }
}

// Lines of JSON, checked a round at a time on every core, reported in order.
class LineChecker {
public:
  LineChecker(const PayloadValidator& validator, Reporter& reporter)
      : m_validator(validator), m_reporter(reporter),
        m_threads(std::max(1U, std::thread::hardware_concurrency())) {}

  // Takes a line (its text is copied into the round).
  void add(std::uint64_t line, std::string_view text) {
    m_lines.push_back({line, m_text.size(), text.size()});
    m_text.append(text);
    if (m_lines.size() >= k_round_lines || m_text.size() >= k_round_bytes) {
      flush();
    }
  }

  void flush() {
    if (m_lines.empty()) {
      return;
    }
    std::vector<std::vector<Checked>> results(m_lines.size());
    const auto threads = std::min<std::size_t>(m_threads, m_lines.size());
    run_on_threads(
        threads,
        [&](std::size_t worker) {
          for (auto i = worker; i < m_lines.size(); i += threads) {
            const auto& line = m_lines[i];
            check_text(m_validator, std::string_view(m_text).substr(line.at, line.size),
                       line.number, results[i]);
          }
        },
        [] {});
    for (const auto& checked : results) {
      for (const auto& one : checked) {
        m_reporter.report(one);
      }
    }
    m_lines.clear();
    m_text.clear();
  }

private:
  static constexpr std::size_t k_round_lines = 16384;
  static constexpr std::size_t k_round_bytes = 16U << 20;

  struct Line {
    std::uint64_t number;
    std::size_t at;
    std::size_t size;
  };

  const PayloadValidator& m_validator;
  Reporter& m_reporter;
  std::size_t m_threads;
  std::vector<Line> m_lines;
  std::string m_text;
};

int run_validate(const ValidateOptions& options) {
  const PayloadValidator validator;
  Reporter reporter(options);
  std::unique_ptr<std::FILE, FileClose> opened;
  std::FILE* in = stdin;
  if (options.file != "-") {
    opened.reset(std::fopen(options.file.c_str(), "rb"));
    if (!opened) {
      throw Error(fmt::format("cannot read '{}': {}", options.file, std::strerror(errno)));
    }
    in = opened.get();
  }
  // JSON lines, one payload each, checked as they are read; unless the first line is not a
  // whole JSON value, when the input is one document (a pretty-printed payload), read whole.
  LineChecker checker(validator, reporter);
  std::string buffer;
  std::vector<char> chunk(1U << 20);
  std::uint64_t line = 0;
  bool lines = true;
  bool decided = false;
  for (bool more = true; more;) {
    const auto n = std::fread(chunk.data(), 1, chunk.size(), in);
    if (n == 0) {
      if (std::ferror(in) != 0) {
        throw Error(fmt::format("cannot read '{}': {}", options.file, std::strerror(errno)));
      }
      more = false;
    }
    buffer.append(chunk.data(), n);
    if (!lines) {
      if (buffer.size() > k_body_limit.bytes) {
        throw Error(fmt::format("'{}' is one document over {}: give payloads one per line",
                                options.file, k_body_limit.shown));
      }
      continue;
    }
    std::size_t done = 0;
    for (;;) {
      auto end = buffer.find('\n', done);
      if (end == std::string::npos && (more || done == buffer.size())) {
        break;
      }
      end = std::min(end, buffer.size());
      const std::string_view text(buffer.data() + done, end - done);
      const bool blank = text.find_first_not_of(" \t\r") == std::string_view::npos;
      if (!decided && !blank) {
        decided = true;
        if (nlohmann::json::parse(text, nullptr, false).is_discarded()) {
          lines = false; // not a payload per line: one document
          break;
        }
      }
      ++line;
      if (!blank) {
        checker.add(line, text);
      }
      done = std::min(end + 1, buffer.size());
    }
    if (lines) {
      buffer.erase(0, done);
      if (buffer.size() > k_body_limit.bytes) { // /dev/zero, say: no line ends
        throw Error(fmt::format("line {} of '{}' is over {} and does not end: not a payload",
                                line + 1, options.file, k_body_limit.shown));
      }
    }
  }
  checker.flush();
  if (!lines) {
    std::vector<Checked> checked;
    const auto document = nlohmann::json::parse(buffer, nullptr, false);
    if (document.is_discarded()) {
      checked.push_back({.line = 1,
                         .event = {},
                         .violation = Violation{"", "",
                                                "not JSON (neither one payload per line "
                                                "nor one JSON document)"}});
    } else {
      check_document(validator, document, 1, checked);
    }
    for (const auto& one : checked) {
      reporter.report(one);
    }
  }
  return reporter.finish();
}

} // namespace

void add_validate(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ValidateOptions>();
  auto* sub = app.add_subcommand("validate", "Check payloads against their event's JSON Schema");
  sub->add_option("file", options->file,
                  "Payloads, one JSON per line, or one JSON document ('-' or none: stdin)")
      ->type_name("FILE");
  sub->add_flag("--json", options->json,
                "One object per payload {line, event, valid, pointer, error}, then {\"summary\"}");
  sub->add_flag("-q,--quiet", options->quiet, "Only the summary line");
  sub->footer(
      "Each payload is checked against the schema of the event it names (linkhook schema\n"
      "EVENT): an invalid one is reported with its line, its event and its first violation, as\n"
      "a JSON pointer and what is wrong there. A top-level array is a list of payloads.\n\n"
      "Exit status: 0 when every payload is valid, 1 when one is not, 2 for a usage error (no\n"
      "payload at all, a file that cannot be read).\n\n"
      "Examples:\n"
      "  linkhook generate --all --count 100 | linkhook validate\n"
      "  linkhook validate captured.ndjson --json | jq 'select(.valid | not)'\n"
      "  linkhook store export | jq -c '.body | fromjson' | linkhook validate -q");
  sub->callback([options, &exit_code] { exit_code = run_validate(*options); });
}

} // namespace linkhook::cmd
