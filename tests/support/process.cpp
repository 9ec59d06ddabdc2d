#include "process.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdexcept>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace linkhook::test {

namespace {

using Clock = std::chrono::steady_clock;

struct Pipe {
  int read = -1;
  int write = -1;
};

Pipe make_pipe() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  }
  return {fds[0], fds[1]};
}

std::vector<std::string> environment(const Env& extra) {
  std::vector<std::string> result;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const auto name = text.substr(0, text.find('='));
    bool replaced = false;
    for (const auto& [key, value] : extra) {
      replaced = replaced || key == name;
    }
    if (!replaced) {
      result.emplace_back(text);
    }
  }
  for (const auto& [key, value] : extra) {
    result.push_back(key + "=" + value);
  }
  return result;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> result;
  for (auto& s : strings) {
    result.push_back(s.data());
  }
  result.push_back(nullptr);
  return result;
}

// Starts argv with the given pipe ends as its standard streams.
pid_t spawn(const std::vector<std::string>& argv, const Env& env, int in, int out, int err) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in, 0);
  posix_spawn_file_actions_adddup2(&actions, out, 1);
  posix_spawn_file_actions_adddup2(&actions, err, 2);
  auto args = argv;
  auto env_strings = environment(env);
  auto arg_pointers = pointers(args);
  auto env_pointers = pointers(env_strings);
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, arg_pointers[0], &actions, nullptr, arg_pointers.data(),
                              env_pointers.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
  }
  return pid;
}

int decode(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::chrono::milliseconds remaining(Clock::time_point deadline) {
  return std::max(std::chrono::milliseconds(0),
                  std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
}

// Reads what is available from fd into out; false at end of file.
bool drain(int fd, std::string& out) {
  char buffer[65536];
  const ssize_t n = ::read(fd, buffer, sizeof buffer);
  if (n > 0) {
    out.append(buffer, static_cast<std::size_t>(n));
    return true;
  }
  return n < 0 && (errno == EINTR || errno == EAGAIN);
}

} // namespace

std::string linkhook_binary() {
  return LINKHOOK_BINARY;
}

Result run(const std::vector<std::string>& argv, std::string_view input, const Env& env,
           std::chrono::milliseconds timeout) {
  auto in = make_pipe();
  auto out = make_pipe();
  auto err = make_pipe();
  const pid_t pid = spawn(argv, env, in.read, out.write, err.write);
  ::close(in.read);
  ::close(out.write);
  ::close(err.write);
  fcntl(in.write, F_SETFL, O_NONBLOCK);
  std::signal(SIGPIPE, SIG_IGN); // a child that exits before reading its input is not our crash

  Result result;
  std::size_t written = 0;
  if (input.empty()) {
    ::close(in.write);
    in.write = -1;
  }
  const auto deadline = Clock::now() + timeout;
  while (out.read >= 0 || err.read >= 0) {
    pollfd fds[3] = {{out.read, POLLIN, 0}, {err.read, POLLIN, 0}, {in.write, POLLOUT, 0}};
    const int ready = ::poll(fds, 3, static_cast<int>(remaining(deadline).count()));
    if (ready == 0) {
      result.timed_out = true;
      ::kill(pid, SIGKILL);
      break;
    }
    if (fds[0].revents != 0 && !drain(out.read, result.out)) {
      ::close(out.read);
      out.read = -1;
    }
    if (fds[1].revents != 0 && !drain(err.read, result.err)) {
      ::close(err.read);
      err.read = -1;
    }
    if (fds[2].revents != 0) {
      const ssize_t n = ::write(in.write, input.data() + written, input.size() - written);
      written += n > 0 ? static_cast<std::size_t>(n) : 0;
      if (n < 0 || written == input.size()) {
        ::close(in.write);
        in.write = -1;
      }
    }
  }
  for (int fd : {in.write, out.read, err.read}) {
    if (fd >= 0) {
      ::close(fd);
    }
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  result.exit_code = decode(status);
  return result;
}

Result run_linkhook(const std::vector<std::string>& args, std::string_view input, const Env& env,
                    std::chrono::milliseconds timeout) {
  std::vector<std::string> argv{linkhook_binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv, input, env, timeout);
}

Process::Process(const std::vector<std::string>& argv, const Env& env) {
  auto out = make_pipe();
  auto err = make_pipe();
  const int null_in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  m_pid = spawn(argv, env, null_in, out.write, err.write);
  ::close(null_in);
  ::close(out.write);
  ::close(err.write);
  m_out_fd = out.read;
  m_err_fd = err.read;
}

Process::~Process() {
  if (!m_exit_code) {
    ::kill(m_pid, SIGKILL);
    int status = 0;
    ::waitpid(m_pid, &status, 0);
  }
  for (int fd : {m_out_fd, m_err_fd}) {
    if (fd >= 0) {
      ::close(fd);
    }
  }
}

bool Process::pump(std::chrono::milliseconds timeout) {
  pollfd fds[2] = {{m_out_fd, POLLIN, 0}, {m_err_fd, POLLIN, 0}};
  const int ready = ::poll(fds, 2, static_cast<int>(timeout.count()));
  if (ready <= 0) {
    return false;
  }
  if (fds[0].revents != 0 && !drain(m_out_fd, m_out)) {
    ::close(m_out_fd);
    m_out_fd = -1;
  }
  if (fds[1].revents != 0 && !drain(m_err_fd, m_err)) {
    ::close(m_err_fd);
    m_err_fd = -1;
  }
  return true;
}

std::optional<std::string> Process::read_line(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (true) {
    const auto newline = m_out.find('\n');
    if (newline != std::string::npos) {
      std::string line = m_out.substr(0, newline);
      m_out.erase(0, newline + 1);
      return line;
    }
    if (m_out_fd < 0 || Clock::now() >= deadline) {
      return std::nullopt;
    }
    pump(remaining(deadline));
  }
}

void Process::send_signal(int signal) {
  ::kill(m_pid, signal);
}

int Process::wait(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while ((m_out_fd >= 0 || m_err_fd >= 0) && pump(remaining(deadline))) {
  }
  if (!m_exit_code) {
    // A pidfd becomes readable when the process exits: wait on it with the time that is left.
    const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, m_pid, 0));
    pollfd fd{pidfd, POLLIN, 0};
    const bool exited =
        pidfd >= 0 && ::poll(&fd, 1, static_cast<int>(remaining(deadline).count())) == 1;
    if (!exited) {
      ::kill(m_pid, SIGKILL);
    }
    if (pidfd >= 0) {
      ::close(pidfd);
    }
    int status = 0;
    ::waitpid(m_pid, &status, 0);
    m_exit_code = exited ? decode(status) : -1;
  }
  return *m_exit_code;
}

} // namespace linkhook::test
