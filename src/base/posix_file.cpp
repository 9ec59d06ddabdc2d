#include "base/posix_file.hpp"

#include "base/error.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

namespace linkhook {

FileDescriptor& FileDescriptor::operator=(FileDescriptor&& other) noexcept {
  if (this != &other) {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
    m_fd = other.release();
  }
  return *this;
}

FileDescriptor::~FileDescriptor() {
  if (m_fd >= 0) {
    ::close(m_fd);
  }
}

int FileDescriptor::release() noexcept {
  const int fd = m_fd;
  m_fd = -1;
  return fd;
}

FileLock::FileLock(int fd, int operation, std::string_view what) : m_fd(fd) {
  while (::flock(fd, operation) != 0) {
    if (errno != EINTR) {
      throw Error(system_message(what, errno), ExitCode::failed);
    }
  }
}

FileLock::~FileLock() {
  ::flock(m_fd, LOCK_UN);
}

std::string system_message(std::string_view what, int error) {
  return fmt::format("{}: {}", what, std::strerror(error));
}

void write_all_at(int fd, std::string_view data, std::uint64_t offset, std::string_view what) {
  while (!data.empty()) {
    const ssize_t n = ::pwrite(fd, data.data(), data.size(), static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      throw Error(system_message(what, errno), ExitCode::failed);
    }
    data.remove_prefix(static_cast<std::size_t>(n));
    offset += static_cast<std::uint64_t>(n);
  }
}

std::size_t read_at(int fd, char* buffer, std::size_t length, std::uint64_t offset,
                    std::string_view what) {
  std::size_t done = 0;
  while (done < length) {
    const ssize_t n = ::pread(fd, buffer + done, length - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      throw Error(system_message(what, errno));
    }
    if (n == 0) {
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  return done;
}

std::uint64_t file_size(int fd, std::string_view what) {
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    throw Error(system_message(what, errno));
  }
  return static_cast<std::uint64_t>(info.st_size);
}

bool is_file_at(int fd, const std::string& path) {
  struct stat open_file {};
  struct stat at_path {};
  return ::fstat(fd, &open_file) == 0 && ::stat(path.c_str(), &at_path) == 0 &&
         open_file.st_dev == at_path.st_dev && open_file.st_ino == at_path.st_ino;
}

void sync_data(int fd, std::string_view what) {
  if (::fdatasync(fd) != 0) {
    throw Error(system_message(what, errno), ExitCode::failed);
  }
}

void sync_directory(const std::string& path) {
  const FileDescriptor dir(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir || ::fsync(dir.get()) != 0) {
    throw Error(system_message(fmt::format("cannot sync {}", path), errno), ExitCode::failed);
  }
}

void raise_descriptor_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
}

} // namespace linkhook
