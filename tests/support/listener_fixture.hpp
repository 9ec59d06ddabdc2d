#pragma once

#include "process.hpp"

#include <httplib.h>
#include <memory>
#include <string>
#include <vector>

// A `linkhook listen` started for a test: on a free loopback port, ready once it printed its URL.
namespace linkhook::test {

inline constexpr const char* k_test_secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

class RunningListener {
public:
  // Starts `linkhook listen --port 0 --json ARGS...` and waits (10 s at most) for its first line.
  // A `launcher` runs it (`prlimit --fsize=N`, say): LAUNCHER... linkhook listen ...
  explicit RunningListener(const std::vector<std::string>& args, const Env& env = {},
                           const std::vector<std::string>& launcher = {});

  const std::string& url() const { return m_url; }
  std::string origin() const; // "http://127.0.0.1:PORT"
  Process& process() { return *m_process; }

  // The next delivery line, parsed; fails the test after the timeout.
  std::string next_line(std::chrono::milliseconds timeout = 10s);

private:
  std::unique_ptr<Process> m_process;
  std::string m_url;
};

// `linkhook sign --secret k_test_secret` of `body`, as headers ready for a request.
httplib::Headers signed_headers(const std::string& body,
                                const std::vector<std::string>& sign_args = {});

// POSTs `body` to `url` (its path taken from the URL; https:// trusting any certificate) and
// returns the response; null on no answer.
httplib::Result post(const std::string& url, const httplib::Headers& headers,
                     const std::string& body);

} // namespace linkhook::test
