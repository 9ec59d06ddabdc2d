#include "event_store.hpp"

#include "error.hpp"
#include "random.hpp"
#include "store_frame.hpp"

#include <cerrno>
#include <fcntl.h>
#include <fmt/format.h>
#include <optional>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace linkhook {

namespace {

constexpr std::string_view k_log_name = "events.log";
constexpr std::string_view k_file_magic = "LHKSTORE";
constexpr std::uint32_t k_file_version = 1;
constexpr std::uint64_t k_file_header_size = 24;

std::uint64_t fresh_generation() {
  std::uint64_t generation = 0;
  while (generation == 0) {
    generation = Random::fresh_seed();
  }
  return generation;
}

void put(std::string& out, std::uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) {
    out.push_back(static_cast<char>((value >> (8 * i)) & 0xffU));
  }
}

// Writes a fresh header over an empty or truncated log and makes it durable.
std::uint64_t write_file_header(int fd, const std::string& log) {
  const auto generation = fresh_generation();
  std::string header(k_file_magic);
  put(header, k_file_version, 4);
  put(header, 0, 4);
  put(header, generation, 8);
  const auto what = fmt::format("cannot write {}", log);
  if (::ftruncate(fd, static_cast<off_t>(k_file_header_size)) != 0) {
    throw Error(system_message(what, errno), ExitCode::failed);
  }
  write_all_at(fd, header, 0, what);
  sync_data(fd, what);
  return generation;
}

// The generation of the log; none while it is shorter than a header (new, or its creator died
// before the header was complete). Throws when the file is something else than a store.
std::optional<std::uint64_t> read_generation(int fd, const std::string& log) {
  char header[k_file_header_size];
  const auto what = fmt::format("cannot read {}", log);
  if (read_at(fd, header, sizeof header, 0, what) < sizeof header) {
    return std::nullopt;
  }
  if (std::string_view(header, k_file_magic.size()) != k_file_magic) {
    throw Error(fmt::format("{} is not a linkhook event store", log));
  }
  std::uint64_t generation = 0;
  for (std::size_t i = 0; i < 8; ++i) {
    generation |= std::uint64_t{static_cast<unsigned char>(header[16 + i])} << (8 * i);
  }
  return generation;
}

// mkdir -p, each new directory private: the store holds other people's webhook payloads.
void make_private_directories(const std::filesystem::path& dir) {
  std::filesystem::path path;
  for (const auto& part : dir) {
    path /= part;
    if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) {
      throw Error(system_message(fmt::format("cannot create {}", path.string()), errno));
    }
  }
  if (!std::filesystem::is_directory(dir)) {
    throw Error(fmt::format("store {} is not a directory", dir.string()));
  }
}

// Opens an existing log; an invalid descriptor when there is none.
FileDescriptor open_existing(const std::string& log, int flags) {
  FileDescriptor fd(::open(log.c_str(), flags | O_CLOEXEC));
  if (!fd && errno != ENOENT && errno != ENOTDIR) {
    throw Error(system_message(fmt::format("cannot open {}", log), errno));
  }
  return fd;
}

} // namespace

std::filesystem::path store_log_path(const std::filesystem::path& dir) {
  return dir / k_log_name;
}

std::string encode_frame(const StoreRecord& record) {
  std::string frame;
  append_frame(frame, encode_record(record));
  return frame;
}

StoreScan scan_store(const std::filesystem::path& dir, const RecordVisitor& visit) {
  const auto log = store_log_path(dir).string();
  const auto fd = open_existing(log, O_RDONLY);
  StoreScan result;
  if (!fd) {
    return result;
  }
  // Readers do not hold the lock while they read, so a long listing never holds up a listener's
  // acknowledgements: they take it only to learn a size at which no write is half done.
  std::uint64_t size = 0;
  {
    const FileLock lock(fd.get(), LOCK_SH, fmt::format("cannot lock {}", log));
    size = file_size(fd.get(), log);
  }
  if (!read_generation(fd.get(), log)) {
    return result;
  }
  const auto scan = scan_frames(
      fd.get(), k_file_header_size, size,
      [&](std::uint16_t version, std::string_view payload, std::uint64_t) {
        auto record = version == k_frame_version ? decode_record(payload) : std::nullopt;
        if (!record) {
          ++result.skipped_records;
          return;
        }
        ++result.records;
        visit(*record);
      },
      fmt::format("cannot read {}", log));
  result.torn_tail_bytes = scan.tail_bytes;
  result.corrupt_bytes = scan.corrupt_bytes;
  return result;
}

std::uint64_t clear_store(const std::filesystem::path& dir) {
  const auto log = store_log_path(dir).string();
  const auto fd = open_existing(log, O_RDWR);
  if (!fd) {
    return 0;
  }
  const FileLock lock(fd.get(), LOCK_EX, fmt::format("cannot lock {}", log));
  std::uint64_t frames = 0;
  if (read_generation(fd.get(), log)) {
    const auto size = file_size(fd.get(), log);
    frames = scan_frames(fd.get(), k_file_header_size, size, {}, fmt::format("cannot read {}", log))
                 .frames;
  }
  // A new generation tells writers that hold the log open that what they knew of it is gone.
  write_file_header(fd.get(), log);
  return frames;
}

EventStore::EventStore(std::filesystem::path dir)
    : m_dir(std::move(dir)), m_log(store_log_path(m_dir).string()) {
  open_log();
}

void EventStore::open_log() {
  make_private_directories(m_dir);
  m_fd = FileDescriptor(::open(m_log.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!m_fd) {
    throw Error(system_message(fmt::format("cannot open {}", m_log), errno));
  }
  const FileLock lock(m_fd.get(), LOCK_EX, fmt::format("cannot lock {}", m_log));
  if (!read_generation(m_fd.get(), m_log)) {
    write_file_header(m_fd.get(), m_log);
    sync_directory(m_dir.string()); // the new log's directory entry must survive a crash too
  }
  m_generation = 0;
}

// A log deleted or replaced under a running writer (`rm -r` of the store, say) would swallow
// every later record unseen: write to the file that is at the path now.
void EventStore::reopen_if_replaced() {
  struct stat open_file {};
  struct stat at_path {};
  if (::fstat(m_fd.get(), &open_file) == 0 && ::stat(m_log.c_str(), &at_path) == 0 &&
      open_file.st_dev == at_path.st_dev && open_file.st_ino == at_path.st_ino) {
    return;
  }
  open_log();
}

// Where the next frame goes; called under the exclusive lock. Other writers may have appended,
// or `clear` emptied the log, since this writer last held the lock: it checks the bytes it has
// not verified yet. Bytes after the last intact frame are cut off. That is safe because every
// writer holds the lock from this check until its sync returns: such bytes are never a write
// in progress, only what a writer left when it crashed or failed mid-write, and no one was told
// they were stored. Cutting them (rather than appending after them and leaving readers to
// resynchronise) keeps the log a clean run of frames and every later record plainly readable.
std::uint64_t EventStore::writable_end() {
  auto generation = read_generation(m_fd.get(), m_log);
  if (!generation) {
    generation = write_file_header(m_fd.get(), m_log);
  }
  const auto size = file_size(m_fd.get(), m_log);
  if (*generation != m_generation || size < m_verified_end) {
    m_generation = *generation;
    m_verified_end = k_file_header_size;
  }
  if (size > m_verified_end) {
    const auto scan =
        scan_frames(m_fd.get(), m_verified_end, size, {}, fmt::format("cannot read {}", m_log));
    if (scan.tail_bytes > 0) {
      if (::ftruncate(m_fd.get(), static_cast<off_t>(scan.end)) != 0) {
        throw Error(system_message(fmt::format("cannot repair {}", m_log), errno),
                    ExitCode::failed);
      }
      m_truncated_bytes += scan.tail_bytes;
    }
    m_verified_end = scan.end;
  }
  return m_verified_end;
}

void EventStore::append(std::span<const StoreRecord> records) {
  std::string frames;
  for (const auto& record : records) {
    append_frame(frames, encode_record(record));
  }
  append_frames(frames);
}

void EventStore::append_frames(std::string_view frames) {
  if (frames.empty()) {
    return;
  }
  const std::lock_guard guard(m_mutex);
  reopen_if_replaced();
  const FileLock lock(m_fd.get(), LOCK_EX, fmt::format("cannot lock {}", m_log));
  const auto end = writable_end();
  const auto what = fmt::format("cannot write {}", m_log);
  try {
    write_all_at(m_fd.get(), frames, end, what);
    sync_data(m_fd.get(), what);
  } catch (const Error&) {
    // Take back what reached the file, so that no part of a batch reported failed is stored
    // and the next append starts on a frame boundary. If even that fails, the next append
    // rescans the log and cuts the torn part then.
    if (::ftruncate(m_fd.get(), static_cast<off_t>(end)) != 0) {
      m_generation = 0;
    }
    throw;
  }
  m_verified_end = end + frames.size();
}

} // namespace linkhook
