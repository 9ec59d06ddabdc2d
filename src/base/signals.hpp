#pragma once

#include <atomic>
#include <thread>

namespace linkhook {

// Turns SIGINT and SIGTERM into a readable file descriptor for a poll loop, so a long-running
// command (listen) stops cleanly, prints its summary and exits 130. Construct it before any
// thread starts: threads inherit the blocked signal mask, so none of them is killed instead.
// Before that, from the start of the process, SIGINT and SIGTERM have their default action even
// when the parent left them ignored (signals.cpp): they stop linkhook at any moment.
// SIGPIPE is ignored for the life of the process: a peer that hangs up is an error to report.
// So is SIGXFSZ: a write beyond a file-size limit (RLIMIT_FSIZE) then fails with EFBIG, and the
// store reports it like a full disk instead of the process being killed mid-write.
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

// Sets `stop` when SIGINT or SIGTERM arrives, watching from a thread of its own for as long as
// it lives: for commands whose workers check a stop flag (send, replay).
class StopOnSignal {
public:
  StopOnSignal(SignalWatch& signals, std::atomic<bool>& stop);
  StopOnSignal(const StopOnSignal&) = delete;
  StopOnSignal& operator=(const StopOnSignal&) = delete;
  ~StopOnSignal(); // ends the watch

private:
  std::atomic<bool> m_finished{false};
  std::jthread m_thread;
};

} // namespace linkhook
