#pragma once

#include <CLI/CLI.hpp>

// Each subcommand's file adds it to the application. When the parse picks the subcommand, its
// callback runs the command and leaves the process exit code in `exit_code`; errors are thrown as
// linkhook::Error and printed once, in main.
namespace linkhook::cmd {

void add_check(CLI::App& app, int& exit_code);
void add_completion(CLI::App& app, int& exit_code);
void add_config(CLI::App& app, int& exit_code);
void add_events(CLI::App& app, int& exit_code);
void add_generate(CLI::App& app, int& exit_code);
void add_help(CLI::App& app, int& exit_code);
void add_inspect(CLI::App& app, int& exit_code);
void add_listen(CLI::App& app, int& exit_code);
void add_replay(CLI::App& app, int& exit_code);
void add_scenario(CLI::App& app, int& exit_code);
void add_schema(CLI::App& app, int& exit_code);
void add_secret(CLI::App& app, int& exit_code);
void add_send(CLI::App& app, int& exit_code);
void add_sign(CLI::App& app, int& exit_code);
void add_store(CLI::App& app, int& exit_code);
void add_validate(CLI::App& app, int& exit_code);
void add_verify(CLI::App& app, int& exit_code);

} // namespace linkhook::cmd
