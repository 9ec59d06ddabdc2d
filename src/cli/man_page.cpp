#include "cli/man_page.hpp"

#include <fmt/format.h>
#include <sstream>

namespace linkhook {

namespace {

// Text as roff prints it: backslashes and dashes escaped, no line taken for a request.
std::string roff(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else {
      out += c;
    }
  }
  if (out.starts_with('.') || out.starts_with('\'')) {
    out.insert(0, "\\&");
  }
  return out;
}

std::string upper(std::string_view text) {
  std::string out(text);
  for (auto& c : out) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

// A help footer: paragraphs, each maybe under a heading line ("Examples:"); lines indented by
// two spaces are shown as they are. Headings become sections (.SH) at the top level.
std::string footer(std::string_view text, bool top_level) {
  std::string out;
  std::istringstream lines{std::string(text)};
  bool literal = false;
  const auto end_literal = [&] {
    if (literal) {
      out += ".fi\n.RE\n";
      literal = false;
    }
  };
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("  ")) {
      if (!literal) {
        out += ".RS\n.nf\n";
        literal = true;
      }
      out += roff(line.substr(2)) + "\n";
      continue;
    }
    end_literal();
    if (line.empty()) {
      continue;
    }
    if (line.ends_with(':') && line.size() < 30) { // a heading: "Examples:", "Exit status:"
      const auto heading = line.substr(0, line.size() - 1);
      out += top_level ? fmt::format(".SH {}\n", upper(heading))
                       : fmt::format(".PP\n\\fB{}\\fR\n", roff(heading));
    } else {
      out += fmt::format(".PP\n{}\n", roff(line));
    }
  }
  end_literal();
  return out;
}

std::string flags(const CommandModel& command) {
  std::string out;
  std::string group;
  for (const auto& flag : command.flags) {
    if (flag.group != group) {
      group = flag.group;
      out += fmt::format(".PP\n\\fI{}\\fR\n", roff(group));
    }
    std::string names;
    for (const auto& name : flag.names) {
      names += fmt::format("{}\\fB{}\\fR", names.empty() ? "" : ", ", roff(name));
    }
    if (flag.takes_value()) {
      names += fmt::format(" \\fI{}\\fR", roff(flag.value_name));
    }
    const auto fallback =
        flag.default_value.empty() ? "" : fmt::format(" (default: {})", flag.default_value);
    out += fmt::format(".TP\n{}\n{}\n", names, roff(flag.description + fallback));
  }
  return out;
}

std::string synopsis(const CommandModel& command, const std::string& path) {
  std::string out = fmt::format("\\fBlinkhook {}\\fR", roff(path));
  if (!command.commands.empty()) {
    out += " \\fICOMMAND\\fR";
  }
  if (!command.flags.empty()) {
    out += " [\\fIOPTIONS\\fR]";
  }
  for (const auto& positional : command.positionals) {
    const auto word = fmt::format("\\fI{}\\fR{}", roff(upper(positional.value_name)),
                                  positional.repeatable ? "..." : "");
    out += positional.required ? " " + word : " [" + word + "]";
  }
  return out;
}

void command_section(const CommandModel& command, const std::string& path, std::string& out) {
  out += fmt::format(".SS \"{}\"\n", roff("linkhook " + path));
  out += fmt::format("{}\n.PP\n{}\n", synopsis(command, path), roff(command.description));
  for (const auto& positional : command.positionals) {
    out += fmt::format(".TP\n\\fI{}\\fR\n{}\n", roff(upper(positional.value_name)),
                       roff(positional.description));
  }
  out += flags(command);
  out += footer(command.footer, false);
  for (const auto& sub : command.commands) {
    command_section(sub, path + " " + sub.name, out);
  }
}

} // namespace

std::string man_page(const CommandModel& root, std::string_view version) {
  std::string out = fmt::format(".TH LINKHOOK 1 \"\" \"linkhook {}\" \"User Commands\"\n", version);
  out += fmt::format(".SH NAME\nlinkhook \\- {}\n", roff(root.description));
  out += ".SH SYNOPSIS\n\\fBlinkhook\\fR [\\fIOPTIONS\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR]\n";
  out += fmt::format(".SH DESCRIPTION\n{}\n", roff(root.description));
  out += flags(root);
  out += ".SH COMMANDS\n";
  for (const auto& sub : root.commands) {
    command_section(sub, sub.name, out);
  }
  out += footer(root.footer, true);
  return out;
}

} // namespace linkhook
