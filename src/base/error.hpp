#pragma once

#include <stdexcept>
#include <string>

namespace linkhook {

// The process exit codes every command keeps (`linkhook --help` lists them).
enum class ExitCode : int {
  success = 0,
  failed = 1, // the thing tested failed: a delivery, a signature, a listener
  usage = 2,  // usage or input error
  interrupted = 130,
};

// The one error type of the project: thrown by any layer, caught and printed once in main.
class Error : public std::runtime_error {
public:
  explicit Error(const std::string& message, ExitCode code = ExitCode::usage)
      : std::runtime_error(message), m_code(code) {}

  ExitCode code() const noexcept { return m_code; }

private:
  ExitCode m_code;
};

} // namespace linkhook
