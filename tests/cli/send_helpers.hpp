#pragma once

#include "cli_helpers.hpp"
#include "listener_fixture.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

// Shared by the send CLI tests: `linkhook send` with the test secret, its JSON lines parsed.
namespace linkhook::test {

inline Result send_to(const std::string& url, std::vector<std::string> args,
                      std::string_view input = {}) {
  args.insert(args.begin(), {"send", "--url", url, "--secret", k_test_secret});
  return run_linkhook(args, input, {{"NO_COLOR", "1"}});
}

inline std::vector<nlohmann::json> json_lines(const std::string& out) {
  std::vector<nlohmann::json> parsed;
  for (const auto& line : lines_of(out)) {
    parsed.push_back(nlohmann::json::parse(line));
  }
  return parsed;
}

} // namespace linkhook::test
