#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

// The application: its table of commands, the top-level help (its footer: exit statuses,
// environment, configuration), and the run of one command line.
namespace linkhook::cmd {

// The names of every command, in the order `linkhook --help` lists them.
std::vector<std::string> command_names();

// The whole command line, every command added: what help, completion and `config show`
// describe. The commands' callbacks leave their exit code in `exit_code`.
std::unique_ptr<CLI::App> make_full_app(int& exit_code);

// Parses the command line and runs the command it names. Returns the exit status, with output
// flushed; an error has been printed once, as one line on stderr.
int run(int argc, char** argv);

} // namespace linkhook::cmd
