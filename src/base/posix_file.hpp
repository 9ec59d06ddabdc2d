#pragma once

#include <cstdint>
#include <string>
#include <string_view>

// Thin, throwing wrappers over the POSIX calls the event store needs. Every failure becomes one
// linkhook::Error whose message starts with `what` (say "cannot write /x/events.log").
namespace linkhook {

// Owns a file descriptor and closes it.
class FileDescriptor {
public:
  FileDescriptor() = default;
  explicit FileDescriptor(int fd) : m_fd(fd) {}
  FileDescriptor(FileDescriptor&& other) noexcept : m_fd(other.release()) {}
  FileDescriptor& operator=(FileDescriptor&& other) noexcept;
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor();

  int get() const { return m_fd; }
  explicit operator bool() const { return m_fd >= 0; }
  int release() noexcept;

private:
  int m_fd = -1;
};

// Holds flock(2) on a descriptor: LOCK_EX for writers, LOCK_SH for readers. The lock belongs to
// the open file description, so two opens of one file (in one process or two) exclude each other.
class FileLock {
public:
  FileLock(int fd, int operation, std::string_view what);
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock();

private:
  int m_fd;
};

// "what: strerror(error)".
std::string system_message(std::string_view what, int error);

// Thousands of connections need as many descriptors: raises the soft limit (often 1024) to the
// hard one. The server and send's event loops call it.
void raise_descriptor_limit();

// Writes all of `data` at `offset`, retrying short writes and EINTR.
void write_all_at(int fd, std::string_view data, std::uint64_t offset, std::string_view what);

// Reads up to `length` bytes at `offset` into `buffer`; fewer only at end of file.
std::size_t read_at(int fd, char* buffer, std::size_t length, std::uint64_t offset,
                    std::string_view what);

std::uint64_t file_size(int fd, std::string_view what);

// Whether the file open as `fd` is the one at `path` still (not deleted, nor replaced).
bool is_file_at(int fd, const std::string& path);

// fdatasync(2): the data and the size are on the disk when it returns.
void sync_data(int fd, std::string_view what);

// fsync(2) of a directory, so that an entry just created in it survives a crash.
void sync_directory(const std::string& path);

} // namespace linkhook
