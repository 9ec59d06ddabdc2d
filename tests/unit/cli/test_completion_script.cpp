#include "cli/completion_script.hpp"
#include "cli/man_page.hpp"

#include <doctest/doctest.h>

using namespace linkhook;

namespace {

ArgumentModel argument(std::vector<std::string> names, std::string value, std::string description,
                       std::string default_value, std::string group) {
  ArgumentModel result;
  result.names = std::move(names);
  result.value_name = std::move(value);
  result.description = std::move(description);
  result.default_value = std::move(default_value);
  result.group = std::move(group);
  return result;
}

// A small command line: `tool` with a flag, and `run` taking a scheme, files and events.
CommandModel sample() {
  const auto help = argument({"-h", "--help"}, "", "Print this help", "", "Options");
  auto scheme = argument({"--scheme"}, "SCHEME", "Scheme's name [x]: a, b", "a", "Signing");
  scheme.kind = ValueKind::choice;
  scheme.choices = {"a", "b"};
  auto file = argument({"-f", "--file"}, "FILE", "Body file", "", "Options");
  file.kind = ValueKind::file;
  auto header = argument({"-H"}, "TEXT", "A header; repeatable", "", "Options");
  header.repeatable = true;
  auto events = argument({}, "event", "Events", "", "Positionals");
  events.kind = ValueKind::choice;
  events.choices = {"link.clicked", "link.created"};
  events.repeatable = true;
  CommandModel run;
  run.name = "run";
  run.description = "Run it";
  run.footer = "Examples:\n  tool run -f body.json\n  .hidden line";
  run.flags = {help, scheme, file, header};
  run.positionals = {events};
  CommandModel root;
  root.name = "tool";
  root.description = "A tool";
  root.flags = {help};
  root.commands = {run};
  return root;
}

} // namespace

TEST_SUITE("cli/completion_script") {
  TEST_CASE("bash: per command path its subcommands, flags and the values they take") {
    const auto script = bash_completion(sample());
    CHECK(script.find("'') subs='run' flags='-h --help' valued=''") != std::string::npos);
    CHECK(script.find("'run') subs='' flags='-h --help --scheme -f --file -H' "
                      "valued='--scheme -f --file -H'") != std::string::npos);
    CHECK(script.find("'run --scheme') _linkhook_words 'a b' ;;") != std::string::npos);
    CHECK(script.find("'run -f') _linkhook_files -f ;;") != std::string::npos);
    CHECK(script.find("'run @') _linkhook_words 'link.clicked link.created' ;;") !=
          std::string::npos);
    CHECK(script.find("'run -H'") == std::string::npos); // free text: nothing to offer
    CHECK(script.ends_with("complete -F _linkhook linkhook\n"));
  }

  TEST_CASE("zsh: _arguments specs with escaped descriptions, one function per command") {
    const auto script = zsh_completion(sample());
    CHECK(script.starts_with("#compdef linkhook\n"));
    CHECK(script.find("'--scheme[Scheme'\\''s name \\[x\\]\\: a, b]:SCHEME:(a b)'") !=
          std::string::npos);
    CHECK(script.find("'(-f --file)'{-f,--file}'[Body file]:FILE:_files'") != std::string::npos);
    CHECK(script.find("'*-H[A header; repeatable]:TEXT: '") != std::string::npos);
    CHECK(script.find("'*:event:(link.clicked link.created)'") != std::string::npos);
    CHECK(script.find("      run) _linkhook_run ;;") != std::string::npos);
    CHECK(script.find("_linkhook_run() {") != std::string::npos);
  }

  TEST_CASE("fish: conditions on the subcommand seen, quoted descriptions") {
    const auto script = fish_completion(sample());
    CHECK(script.find("complete -c linkhook -n __fish_use_subcommand -a run -d 'Run it'") !=
          std::string::npos);
    const std::string when = "complete -c linkhook -n '__fish_seen_subcommand_from run'";
    CHECK(script.find(when + " -l scheme -xa 'a b' -d 'Scheme\\'s name [x]: a, b'") !=
          std::string::npos);
    CHECK(script.find(when + " -s f -l file -rF -d 'Body file'") != std::string::npos);
    CHECK(script.find(when + " -a 'link.clicked link.created' -d 'Events'") != std::string::npos);
  }
}

TEST_SUITE("cli/man_page") {
  TEST_CASE("roff with escaped dashes, flags by group, examples as they are, defaults") {
    const auto page = man_page(sample(), "1.2.3");
    CHECK(page.starts_with(".TH LINKHOOK 1 \"\" \"linkhook 1.2.3\" \"User Commands\"\n"));
    CHECK(page.find(".SS \"linkhook run\"\n") != std::string::npos);
    CHECK(page.find("\\fB\\-f\\fR, \\fB\\-\\-file\\fR \\fIFILE\\fR\nBody file\n") !=
          std::string::npos);
    CHECK(page.find(".PP\n\\fISigning\\fR\n") != std::string::npos);
    CHECK(page.find("(default: a)") != std::string::npos);
    CHECK(page.find(".RS\n.nf\ntool run \\-f body.json\n\\&.hidden line\n.fi\n.RE\n") !=
          std::string::npos);
    CHECK(page.find(" [\\fIEVENT\\fR...]") != std::string::npos);
  }
}
