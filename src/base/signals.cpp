#include "base/signals.hpp"

#include "base/error.hpp"

#include <csignal>
#include <cstring>
#include <fmt/format.h>
#include <poll.h>
#include <sys/signalfd.h>
#include <unistd.h>

namespace linkhook {

namespace {

// A shell without job control starts background commands with SIGINT (and SIGQUIT) ignored, and
// exec keeps what is ignored. A signal that comes while it is ignored is dropped, not queued: a
// `linkhook listen &` interrupted before SignalWatch blocked SIGINT ran on for ever. linkhook
// honours its stop signals from the start: inherited as ignored, they go back to the default.
void honour_stop_signals() {
  for (const int signal : {SIGINT, SIGTERM}) {
    struct sigaction current {};
    if (::sigaction(signal, nullptr, &current) == 0 && current.sa_handler == SIG_IGN) {
      static_cast<void>(std::signal(signal, SIG_DFL));
    }
  }
}

// Runs as the binary (or module) holding this file is loaded, before main(): the earliest moment
// linkhook has.
[[maybe_unused]] const bool k_stop_signals_honoured = (honour_stop_signals(), true);

} // namespace

SignalWatch::SignalWatch() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  // With valid arguments these calls cannot fail; signalfd, which can, is checked.
  static_cast<void>(pthread_sigmask(SIG_BLOCK, &set, nullptr));
  static_cast<void>(std::signal(SIGPIPE, SIG_IGN));
  static_cast<void>(std::signal(SIGXFSZ, SIG_IGN));
  m_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
  if (m_fd < 0) {
    throw Error(fmt::format("signalfd: {}", std::strerror(errno)), ExitCode::failed);
  }
}

SignalWatch::~SignalWatch() {
  ::close(m_fd);
}

int SignalWatch::take() {
  signalfd_siginfo info{};
  if (::read(m_fd, &info, sizeof info) != static_cast<ssize_t>(sizeof info)) {
    return 0;
  }
  return static_cast<int>(info.ssi_signo);
}

StopOnSignal::StopOnSignal(SignalWatch& signals, std::atomic<bool>& stop)
    : m_thread([this, &signals, &stop] {
        pollfd ready{signals.fd(), POLLIN, 0};
        while (!m_finished) {
          if (::poll(&ready, 1, 100) > 0 && signals.take() != 0) {
            stop = true;
            return;
          }
        }
      }) {}

StopOnSignal::~StopOnSignal() {
  m_finished = true;
}

} // namespace linkhook
