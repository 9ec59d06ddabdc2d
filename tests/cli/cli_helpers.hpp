#pragma once

#include "process.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace linkhook::test {

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) {
    lines.push_back(line);
  }
  return lines;
}

// A usage error per the contract: exit 2, nothing on stdout, one line on stderr naming the problem.
inline void check_usage_error(const Result& r, const std::string& mentions) {
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(lines_of(r.err).size() == 1);
  CHECK_MESSAGE(r.err.find(mentions) != std::string::npos, r.err);
  CHECK(r.err.starts_with("linkhook: error: "));
}

} // namespace linkhook::test
