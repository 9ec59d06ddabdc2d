#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <utility>
#include <vector>

// Runs real programs for the CLI tests: the built linkhook binary, with pipes for its standard
// streams and a hard timeout on every wait, so a hung child fails the test instead of the suite.
namespace linkhook::test {

using namespace std::chrono_literals;
using Env = std::vector<std::pair<std::string, std::string>>; // added to (or replacing) ours

struct Result {
  int exit_code = -1; // 128 + signal when killed by one
  std::string out;
  std::string err;
  bool timed_out = false;
};

// The linkhook binary under test (CMake hands its path to the test programs).
std::string linkhook_binary();

// Runs `argv` to completion, feeding it `input`; kills it after `timeout`.
Result run(const std::vector<std::string>& argv, std::string_view input = {}, const Env& env = {},
           std::chrono::milliseconds timeout = 20s);

// run() of the linkhook binary with these arguments.
Result run_linkhook(const std::vector<std::string>& args, std::string_view input = {},
                    const Env& env = {}, std::chrono::milliseconds timeout = 20s);

// A program left running in the background (a listener, say), read line by line.
class Process {
public:
  explicit Process(const std::vector<std::string>& argv, const Env& env = {});
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;
  ~Process(); // kills the process if it still runs

  // The next line of standard output, without its newline; nullopt at end of output or timeout.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout = 10s);

  void send_signal(int signal);

  // Waits for the exit and returns the code (128 + signal when killed by one); kills the process
  // and returns -1 after `timeout`. Standard error (and the unread standard output) are kept.
  int wait(std::chrono::milliseconds timeout = 10s);

  const std::string& err() const { return m_err; }
  const std::string& rest_of_out() const { return m_out; }
  pid_t pid() const { return m_pid; }

private:
  bool pump(std::chrono::milliseconds timeout); // reads what is ready; false on timeout

  pid_t m_pid = -1;
  int m_out_fd = -1;
  int m_err_fd = -1;
  std::string m_out;
  std::string m_err;
  std::optional<int> m_exit_code;
};

} // namespace linkhook::test
