#include "base/terminal.hpp"
#include "cli/completion_script.hpp"
#include "commands.hpp"
#include "support/app.hpp"
#include "support/command_model_of.hpp"

#include <memory>
#include <nlohmann/json.hpp>

namespace linkhook::cmd {

namespace {

struct CompletionOptions {
  std::string shell;
  bool json = false;
};

int run_completion(const CompletionOptions& options) {
  int unused_exit_code = 0;
  const auto model = command_model_of(*make_full_app(unused_exit_code));
  const auto script = options.shell == "bash"  ? bash_completion(model)
                      : options.shell == "zsh" ? zsh_completion(model)
                                               : fish_completion(model);
  write_all(stdout,
            options.json
                ? nlohmann::ordered_json{{"shell", options.shell}, {"script", script}}.dump() + "\n"
                : script);
  return 0;
}

} // namespace

void add_completion(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<CompletionOptions>();
  auto* sub = app.add_subcommand(
      "completion", "Print the completion script for bash, zsh or fish: commands, flags, events");
  sub->add_option("shell", options->shell, "The shell")
      ->type_name("SHELL")
      ->check(CLI::IsMember({"bash", "zsh", "fish"}))
      ->required();
  sub->add_flag("--json", options->json, "Print {\"shell\", \"script\"}");
  sub->footer("Packages install these scripts; by hand:\n\n"
              "Examples:\n"
              "  source <(linkhook completion bash)\n"
              "  linkhook completion zsh > \"${fpath[1]}/_linkhook\"\n"
              "  linkhook completion fish > ~/.config/fish/completions/linkhook.fish");
  sub->callback([options, &exit_code] { exit_code = run_completion(*options); });
}

} // namespace linkhook::cmd
