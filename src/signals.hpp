#pragma once

namespace linkhook {

// Turns SIGINT and SIGTERM into a readable file descriptor for a poll loop, so a long-running
// command (listen) stops cleanly, prints its summary and exits 130. Construct it before any
// thread starts: threads inherit the blocked signal mask, so none of them is killed instead.
// SIGPIPE is ignored for the life of the process: a peer that hangs up is an error to report.
class SignalWatch {
public:
  SignalWatch();
  SignalWatch(const SignalWatch&) = delete;
  SignalWatch& operator=(const SignalWatch&) = delete;
  ~SignalWatch();

  int fd() const { return m_fd; }

  // After fd() became readable: consumes the signal and returns its number.
  int take();

private:
  int m_fd = -1;
};

} // namespace linkhook
