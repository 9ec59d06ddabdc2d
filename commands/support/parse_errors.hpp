#pragma once

#include <CLI/CLI.hpp>
#include <string>

// CLI11's parse errors in linkhook's one-line style ("--seed expects a whole number, got 'abc'"),
// with the closest valid name where one is near.
namespace linkhook::cmd {

// The message for `error`, thrown while `app` parsed a command line (not --help or --version): an
// unknown command or flag, a value of the wrong type, a choice not offered, a missing value or
// argument, an unexpected argument; CLI11's own text only for an error it does not recognise.
std::string parse_error_message(CLI::App& app, const CLI::ParseError& error);

// The message for `error` (a conversion or validation error) about a value given to `option` of
// `command`.
std::string option_error_message(const CLI::App& command, const CLI::Option& option,
                                 const CLI::Error& error);

} // namespace linkhook::cmd
