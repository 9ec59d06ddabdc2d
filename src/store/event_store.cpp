#include "store/event_store.hpp"

#include "base/error.hpp"
#include "base/little_endian.hpp"
#include "base/random.hpp"
#include "store/frame.hpp"

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <fmt/format.h>
#include <optional>
#include <poll.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

namespace linkhook {

namespace {

constexpr std::string_view k_log_name = "events.log";
constexpr std::string_view k_file_magic = "LHKSTORE";
constexpr std::uint64_t k_file_header_size = 24;
// Format 1 logs end where the file ends. Format 2 logs say where they end (the `end` field), and
// the file goes on past it with free space written ahead of time: an append then overwrites
// allocated blocks without changing the file's size, so its fdatasync writes no metadata.
constexpr std::uint16_t k_appended_format = 1;
constexpr std::uint16_t k_file_format = 2;
constexpr std::uint64_t k_max_end = (std::uint64_t{1} << 48) - 1;
// Free space is written in steps of this size, ahead of the appends that will use it.
constexpr std::uint64_t k_growth = 1U << 20;

// The header: magic (8 bytes) | format u16 | end u48 | generation u64, little-endian. In format
// 1 the bytes of `end` were reserved (zero). The end and the format are one aligned 8-byte word,
// written at once.
struct LogHeader {
  std::uint16_t format = 0;
  std::uint64_t end = 0;
  std::uint64_t generation = 0;

  // Where the log ends in a file of `size` bytes. A file cut shorter than its `end` (a crash in
  // the middle of an append, on a file system that does not keep the preallocated size) ends
  // with the file.
  std::uint64_t log_end(std::uint64_t size) const {
    return format == k_appended_format ? size
                                       : std::clamp(end, std::min(k_file_header_size, size), size);
  }
};

std::uint64_t fresh_generation() {
  std::uint64_t generation = 0;
  while (generation == 0) {
    generation = Random::fresh_seed();
  }
  return generation;
}

// Writes the format and the end of the log into its header (not synced: the caller's next sync
// covers it).
void write_end(int fd, std::uint64_t end, std::string_view what) {
  std::string word;
  put_little_endian(word, k_file_format, 2);
  put_little_endian(word, end, 6);
  write_all_at(fd, word, k_file_magic.size(), what);
}

// Writes a fresh header over an empty or truncated log and makes it durable.
std::uint64_t write_file_header(int fd, const std::string& log) {
  const auto generation = fresh_generation();
  std::string header(k_file_magic);
  put_little_endian(header, k_file_format, 2);
  put_little_endian(header, k_file_header_size, 6);
  put_little_endian(header, generation, 8);
  const auto what = fmt::format("cannot write {}", log);
  if (::ftruncate(fd, static_cast<off_t>(k_file_header_size)) != 0) {
    throw Error(system_message(what, errno), ExitCode::failed);
  }
  write_all_at(fd, header, 0, what);
  sync_data(fd, what);
  return generation;
}

// The header of the log; none while it is shorter than a header (new, or its creator died
// before the header was complete). Throws when the file is something else than a store, or a
// store of a format this build does not know.
std::optional<LogHeader> read_header(int fd, const std::string& log) {
  char bytes[k_file_header_size];
  const auto what = fmt::format("cannot read {}", log);
  if (read_at(fd, bytes, sizeof bytes, 0, what) < sizeof bytes) {
    return std::nullopt;
  }
  const std::string_view view(bytes, sizeof bytes);
  if (!view.starts_with(k_file_magic)) {
    throw Error(fmt::format("{} is not a linkhook event store", log));
  }
  LogHeader header{.format = static_cast<std::uint16_t>(get_little_endian(view, 8, 2)),
                   .end = get_little_endian(view, 10, 6),
                   .generation = get_little_endian(view, 16, 8)};
  if (header.format != k_appended_format && header.format != k_file_format) {
    throw Error(
        fmt::format("{} is a store of format {}, written by a newer linkhook", log, header.format));
  }
  return header;
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

// The header of the log in `fd` with the end it gives: an end at which no append is half done,
// since it is read under a shared lock (writers hold the exclusive one until their sync returns).
// Readers do not hold the lock while they read the frames, so a long listing never holds up a
// listener's acknowledgements. None while the log has no header.
std::optional<std::pair<LogHeader, std::uint64_t>> readable_end(int fd, const std::string& log) {
  const FileLock lock(fd, LOCK_SH, fmt::format("cannot lock {}", log));
  const auto header = read_header(fd, log);
  if (!header) {
    return std::nullopt;
  }
  return std::pair(*header, header->log_end(file_size(fd, log)));
}

// Visits the records of the frames in [begin, end) of the log.
StoreScan scan_records(int fd, const std::string& log, std::uint64_t begin, std::uint64_t end,
                       const LocatedRecordVisitor& visit, RecordParts parts = RecordParts::whole) {
  StoreScan result;
  const auto scan = scan_frames(
      fd, begin, end,
      [&](std::uint16_t version, std::string_view payload, std::uint64_t offset) {
        auto record = version == k_frame_version ? decode_record(payload, parts) : std::nullopt;
        if (!record) {
          ++result.skipped_records;
          return;
        }
        ++result.records;
        visit(*record, offset);
      },
      fmt::format("cannot read {}", log));
  (scan.tail == FrameTail::damaged ? result.damaged_tail_bytes : result.torn_tail_bytes) =
      scan.tail_bytes;
  result.tail = scan.tail;
  result.tail_offset = scan.end;
  result.corrupt_bytes = scan.corrupt_bytes;
  return result;
}

// The record whose frame starts at `offset` of the log in `fd`, before `end`.
std::optional<StoreRecord> record_in(int fd, const std::string& log, std::uint64_t offset,
                                     std::uint64_t end) {
  if (offset < k_file_header_size || offset >= end) {
    return std::nullopt;
  }
  const auto frame = read_frame_at(fd, offset, end, fmt::format("cannot read {}", log));
  return frame && frame->version == k_frame_version ? decode_record(frame->payload) : std::nullopt;
}

} // namespace

std::filesystem::path store_log_path(const std::filesystem::path& dir) {
  return dir / k_log_name;
}

std::filesystem::path damaged_copy_path(const std::filesystem::path& dir, std::uint64_t offset) {
  return dir / fmt::format("{}.damaged-{}", k_log_name, offset);
}

std::string encode_frame(const StoreRecord& record) {
  std::string frame;
  append_frame(frame, encode_record(record));
  return frame;
}

StoreScan scan_store(const std::filesystem::path& dir, const RecordVisitor& visit) {
  return scan_store_located(dir, [&](const StoreRecord& record, std::uint64_t) { visit(record); });
}

StoreScan scan_store_located(const std::filesystem::path& dir, const LocatedRecordVisitor& visit) {
  const auto log = store_log_path(dir).string();
  const auto fd = open_existing(log, O_RDONLY);
  if (!fd) {
    return {};
  }
  const auto at = readable_end(fd.get(), log);
  if (!at) {
    return {};
  }
  auto scan = scan_records(fd.get(), log, k_file_header_size, at->second, visit);
  scan.generation = at->first.generation;
  return scan;
}

StoreReader::StoreReader(const std::filesystem::path& dir, const StoreScan& scan)
    : m_log(store_log_path(dir).string()), m_fd(open_existing(m_log, O_RDONLY)),
      m_generation(scan.generation), m_end(scan.tail_offset) {}

std::optional<StoreRecord> StoreReader::at(std::uint64_t offset) const {
  // The frame's CRC vouches for the bytes; that the log is still the one scanned is checked
  // after them (two reads of a record, then one of the header: a replay reads many), since a
  // `clear` and new appends could put another record there.
  if (!m_fd) {
    return std::nullopt;
  }
  auto record = record_in(m_fd.get(), m_log, offset, m_end);
  char header[k_file_header_size];
  if (!record ||
      read_at(m_fd.get(), header, sizeof header, 0, fmt::format("cannot read {}", m_log)) <
          sizeof header ||
      get_little_endian(std::string_view(header, sizeof header), 16, 8) != m_generation) {
    return std::nullopt;
  }
  return record;
}

StoreScan scan_store_newest_first(const std::filesystem::path& dir,
                                  const std::function<bool(const StoreRecord&)>& visit) {
  const auto log = store_log_path(dir).string();
  const auto fd = open_existing(log, O_RDONLY);
  const auto at = fd ? readable_end(fd.get(), log) : std::nullopt;
  if (!at) {
    return {};
  }
  const auto& [header, end] = *at;
  const auto what = fmt::format("cannot read {}", log);
  StoreScan result;
  const auto visit_frame = [&](std::uint16_t version, std::string_view payload, std::uint64_t) {
    const auto record = version == k_frame_version ? decode_record(payload) : std::nullopt;
    if (!record) {
      ++result.skipped_records;
      return true;
    }
    ++result.records;
    return visit(*record);
  };
  std::vector<FrameSpan> spans;
  const auto add_span = [&spans](std::uint16_t, std::string_view payload, std::uint64_t offset) {
    spans.push_back({offset, offset + k_frame_header_size + payload.size()});
  };
  // Visits the frames of `spans`, newest first. Where one is not what its span says (a wrong
  // index, or damage), what comes before is found by scanning the log from its start, and
  // visited: then, as when the visitor stops, there is nothing older left to visit (false).
  const auto visit_spans = [&] {
    const auto scan = scan_frames_backward(fd.get(), spans, visit_frame, what);
    if (scan.stopped || scan.unvisited == 0) {
      return !scan.stopped;
    }
    const auto before = spans[scan.unvisited - 1].end;
    spans.clear();
    const auto rescan = scan_frames(fd.get(), k_file_header_size, before, add_span, what);
    result.corrupt_bytes += rescan.corrupt_bytes + rescan.tail_bytes; // all before an intact frame
    scan_frames_backward(fd.get(), spans, visit_frame, what);
    return false;
  };

  // The frames the index lists end where its last one ends, when that one is intact; those after
  // it (appended by a writer that keeps no index, or not listed yet) come from a scan.
  const StoreIndexReader index(dir, header.generation, end);
  auto listed = index.size();
  std::uint64_t listed_end = k_file_header_size;
  if (listed > 0) {
    const auto last = index.read(listed - 1, listed);
    const auto frame =
        last.empty() ? std::nullopt : read_frame_at(fd.get(), last.front(), end, what);
    if (frame) {
      listed_end = last.front() + k_frame_header_size + frame->payload.size();
    } else {
      listed = 0;
    }
  }
  const auto tail = scan_frames(fd.get(), listed_end, end, add_span, what);
  result.corrupt_bytes = tail.corrupt_bytes;
  result.tail = tail.tail;
  result.tail_offset = tail.end;
  (tail.tail == FrameTail::damaged ? result.damaged_tail_bytes : result.torn_tail_bytes) =
      tail.tail_bytes;
  if (!visit_spans()) {
    return result;
  }
  // Then the listed frames, a part of the index at a time, each frame up to where the next one
  // starts; and any before the first one listed.
  constexpr std::uint64_t k_entries_at_once = 8192;
  auto next = listed_end;
  for (auto to = listed; to > 0;) {
    const auto from = to > k_entries_at_once ? to - k_entries_at_once : 0;
    const auto starts = index.read(from, to);
    if (starts.size() != to - from) {
      break; // the index was cut short since: what is left comes from a scan
    }
    spans.clear();
    for (std::size_t i = 0; i < starts.size(); ++i) {
      spans.push_back({starts[i], i + 1 < starts.size() ? starts[i + 1] : next});
    }
    if (!visit_spans()) {
      return result;
    }
    next = starts.front();
    to = from;
  }
  if (next > k_file_header_size) {
    // What is before the first frame listed: as one span, which no frame fills unless it is
    // one, so that visit_spans scans it.
    spans = {{k_file_header_size, next}};
    visit_spans();
  }
  return result;
}

StoreFollower::StoreFollower(std::filesystem::path dir)
    : m_dir(std::move(dir)), m_log(store_log_path(m_dir).string()),
      m_notify(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) {
  if (!m_notify) {
    throw Error(system_message("cannot watch the store for changes", errno));
  }
  watch();
}

// Watches the directory, when it exists, for what writers do to the log. The watch is there
// before the first read, so that no append after a read goes unseen by the wait that follows.
void StoreFollower::watch() {
  m_watch = ::inotify_add_watch(m_notify.get(), m_dir.c_str(),
                                IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_DELETE_SELF);
}

// Opens the log at the path when there is none open, or when the one open is no longer there.
void StoreFollower::open_if_replaced() {
  if (!m_fd || !is_file_at(m_fd.get(), m_log)) {
    m_fd = open_existing(m_log, O_RDONLY);
    m_generation = 0;
  }
}

// Opens the log again if it was replaced, and says whether the log read so far is still there:
// not cleared, nor replaced, since.
bool StoreFollower::still_read() {
  open_if_replaced();
  if (!m_fd) {
    return false;
  }
  const auto at = readable_end(m_fd.get(), m_log);
  return at && at->first.generation == m_generation;
}

std::uint64_t StoreFollower::read(const LocatedRecordVisitor& visit, RecordParts parts) {
  open_if_replaced();
  if (!m_fd) {
    return 0;
  }
  const auto at = readable_end(m_fd.get(), m_log);
  if (!at) {
    return 0;
  }
  const auto& [header, end] = *at;
  if (header.generation != m_generation || end < m_next) { // cleared since: a new log
    m_generation = header.generation;
    m_next = k_file_header_size;
  }
  if (end <= m_next) {
    return 0;
  }
  const auto scan = scan_records(m_fd.get(), m_log, m_next, end, visit, parts);
  // A torn or damaged tail is left unread: the next writer cuts it off and appends there.
  m_next = scan.tail_offset;
  return scan.records;
}

void StoreFollower::skip_to_end() {
  open_if_replaced();
  if (!m_fd) {
    return;
  }
  if (const auto at = readable_end(m_fd.get(), m_log)) {
    m_generation = at->first.generation;
    m_next = at->second;
  }
}

std::optional<StoreRecord> StoreFollower::record_at(std::uint64_t offset) {
  return still_read() ? record_in(m_fd.get(), m_log, offset, m_next) : std::nullopt;
}

void StoreFollower::search(std::string_view text, std::uint64_t begin, std::uint64_t end,
                           const LocatedRecordVisitor& visit) {
  begin = std::max(begin, k_file_header_size);
  end = std::min(end, m_next);
  if (end <= begin || !still_read()) {
    return;
  }
  scan_frames(
      m_fd.get(), begin, end,
      [&](std::uint16_t version, std::string_view payload, std::uint64_t offset) {
        if (version != k_frame_version || payload.find(text) == std::string_view::npos) {
          return;
        }
        if (const auto record = decode_record(payload)) {
          visit(*record, offset);
        }
      },
      fmt::format("cannot read {}", m_log));
}

bool StoreFollower::wait(std::chrono::milliseconds timeout, int interrupt) {
  if (m_watch < 0) {
    watch();
    // Until the store exists, a look every quarter second; once it does, what changed between
    // the last read and this watch is unseen by it: the caller reads again at once.
    timeout = m_watch < 0 ? std::min(timeout, std::chrono::milliseconds(250))
                          : std::chrono::milliseconds(0);
  }
  pollfd fds[2] = {{m_notify.get(), POLLIN, 0}, {interrupt, POLLIN, 0}};
  const int ready = ::poll(fds, interrupt >= 0 ? 2 : 1, static_cast<int>(timeout.count()));
  if (ready > 0 && (fds[1].revents & POLLIN) != 0) {
    return false;
  }
  // Drained: each wait looks at the log again whatever the events said. A watch the kernel
  // dropped (its directory deleted) is made again once the directory is back.
  alignas(inotify_event) char events[4096];
  for (ssize_t n; (n = ::read(m_notify.get(), events, sizeof events)) > 0;) {
    for (ssize_t at = 0; at < n;) {
      const auto* event = reinterpret_cast<const inotify_event*>(events + at);
      if ((event->mask & IN_IGNORED) != 0) {
        m_watch = -1;
      }
      at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
    }
  }
  return true;
}

std::uint64_t clear_store(const std::filesystem::path& dir) {
  const auto log = store_log_path(dir).string();
  const auto fd = open_existing(log, O_RDWR);
  if (!fd) {
    return 0;
  }
  const FileLock lock(fd.get(), LOCK_EX, fmt::format("cannot lock {}", log));
  std::uint64_t frames = 0;
  if (const auto header = read_header(fd.get(), log)) {
    const auto end = header->log_end(file_size(fd.get(), log));
    frames = scan_frames(fd.get(), k_file_header_size, end, {}, fmt::format("cannot read {}", log))
                 .frames;
  }
  // A new generation tells writers that hold the log open that what they knew of it is gone.
  write_file_header(fd.get(), log);
  std::error_code ignored; // an index of the old generation left behind is ignored by its readers
  std::filesystem::remove(store_index_path(dir), ignored);
  return frames;
}

EventStore::EventStore(std::filesystem::path dir)
    : m_dir(std::move(dir)), m_log(store_log_path(m_dir).string()), m_index(m_dir) {
  open_log();
}

void EventStore::open_log() {
  make_private_directories(m_dir);
  m_fd = FileDescriptor(::open(m_log.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!m_fd) {
    throw Error(system_message(fmt::format("cannot open {}", m_log), errno));
  }
  const FileLock lock(m_fd.get(), LOCK_EX, fmt::format("cannot lock {}", m_log));
  if (!read_header(m_fd.get(), m_log)) {
    write_file_header(m_fd.get(), m_log);
    sync_directory(m_dir.string()); // the new log's directory entry must survive a crash too
  }
  m_generation = 0;
}

// A log deleted or replaced under a running writer (`rm -r` of the store, say) would swallow
// every later record unseen: write to the file that is at the path now.
void EventStore::reopen_if_replaced() {
  if (!is_file_at(m_fd.get(), m_log)) {
    open_log();
  }
}

// Where the next frame goes; called under the exclusive lock. Other writers may have appended,
// or `clear` emptied the log, since this writer last held the lock: it checks the bytes it has
// not verified yet. Bytes after the last intact frame are given up: the end moves back to where
// that frame ends. That is safe because every writer holds the lock from this check until its
// sync returns: such bytes are never a write in progress, only what a writer left when it
// crashed or failed mid-write, and no one was told they were stored. Giving them up (rather
// than appending after them and leaving readers to resynchronise) keeps the log a clean run of
// frames and every later record plainly readable. A log of format 1 becomes format 2 here.
std::uint64_t EventStore::writable_end() {
  auto header = read_header(m_fd.get(), m_log);
  if (!header) {
    header = LogHeader{.generation = write_file_header(m_fd.get(), m_log)};
  }
  m_file_size = file_size(m_fd.get(), m_log);
  const auto end = header->log_end(m_file_size);
  if (header->generation != m_generation || end < m_verified_end) {
    m_generation = header->generation;
    m_verified_end = k_file_header_size;
  }
  const bool from_start = m_verified_end == k_file_header_size;
  const auto what = fmt::format("cannot read {}", m_log);
  std::vector<std::uint64_t> scanned; // where the frames found since the last append start
  const auto add_start = [&scanned](std::uint16_t, std::string_view, std::uint64_t offset) {
    scanned.push_back(offset);
  };
  if (end > m_verified_end) {
    const auto scan = scan_frames(m_fd.get(), m_verified_end, end, add_start, what);
    if (scan.tail != FrameTail::none && scan.tail != FrameTail::zeros) {
      keep_copy(scan.end, end, scan.tail);
    }
    m_truncated_bytes += scan.tail_bytes;
    m_verified_end = scan.end;
  }
  if (header->format != k_file_format || m_verified_end != header->end) {
    write_end(m_fd.get(), m_verified_end, fmt::format("cannot repair {}", m_log));
  }
  m_index.catch_up(m_generation, from_start, scanned, [&] {
    scanned.clear();
    scan_frames(m_fd.get(), k_file_header_size, m_verified_end, add_start, what);
    return scanned;
  });
  return m_verified_end;
}

// Copies the bytes [from, to) of the log to a new file beside it (damaged_copy_path, with a
// suffix when that exists), durably, before the writer reuses their space: bytes that may have
// been acknowledged are never lost unseen. Throws when it cannot, so nothing is cut.
void EventStore::keep_copy(std::uint64_t from, std::uint64_t to, FrameTail tail) {
  auto path = damaged_copy_path(m_dir, from).string();
  FileDescriptor copy;
  for (int n = 1;; ++n) {
    copy = FileDescriptor(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (copy || errno != EEXIST) {
      break;
    }
    path = fmt::format("{}.{}", damaged_copy_path(m_dir, from).string(), n);
  }
  const auto what = fmt::format("cannot keep a copy of the damaged end of {} in {}", m_log, path);
  if (!copy) {
    throw Error(system_message(what, errno), ExitCode::failed);
  }
  std::string buffer;
  for (auto at = from; at < to; at += buffer.size()) {
    buffer.resize(static_cast<std::size_t>(std::min<std::uint64_t>(k_growth, to - at)));
    buffer.resize(read_at(m_fd.get(), buffer.data(), buffer.size(), at, what));
    if (buffer.empty()) {
      break; // the file ends early: there is nothing more to keep
    }
    write_all_at(copy.get(), buffer, at - from, what);
  }
  sync_data(copy.get(), what);
  sync_directory(m_dir.string());
  if (tail == FrameTail::damaged) {
    fmt::print(stderr,
               "linkhook: warning: the last record of {} is damaged ({} bytes that no crash "
               "leaves, such as a complete record failing its CRC check; it may have been "
               "acknowledged): copied to {} before its space is reused\n",
               m_log, to - from, path);
  } else {
    fmt::print(stderr,
               "linkhook: note: {} bytes of an incomplete last record (a write cut short) in {} "
               "copied to {} before their space is reused\n",
               to - from, m_log, path);
  }
}

// Makes the file at least `size` bytes long by writing zeros past its end: a step of free space
// at a time, or, when that much does not fit (a nearly full disk), just `size`. On an error the
// file keeps its former size.
void EventStore::reserve(std::uint64_t size) {
  if (size <= m_file_size) {
    return;
  }
  const auto what = fmt::format("cannot write {}", m_log);
  if (size > k_max_end) {
    throw Error(fmt::format("{}: the log is full", what), ExitCode::failed);
  }
  static const std::string zeros(64U << 10, '\0');
  const auto grow_to = [&](std::uint64_t target) {
    try {
      for (auto at = m_file_size; at < target; at += zeros.size()) {
        write_all_at(m_fd.get(), std::string_view(zeros).substr(0, target - at), at, what);
      }
    } catch (const Error&) {
      if (::ftruncate(m_fd.get(), static_cast<off_t>(m_file_size)) != 0) {
        m_generation = 0;
      }
      throw;
    }
    m_file_size = target;
  };
  const auto step = (size + k_growth - 1) / k_growth * k_growth;
  try {
    grow_to(step);
  } catch (const Error&) {
    if (step == size) {
      throw;
    }
    grow_to(size);
  }
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
  const auto new_end = end + frames.size();
  const auto what = fmt::format("cannot write {}", m_log);
  try {
    reserve(new_end);
    write_all_at(m_fd.get(), frames, end, what);
    write_end(m_fd.get(), new_end, what);
    sync_data(m_fd.get(), what);
  } catch (const Error&) {
    // Put the end back, so that no part of a batch reported failed is stored and the next append
    // starts on a frame boundary. If even that fails, the next append rescans the log and gives
    // up the torn part then.
    try {
      write_end(m_fd.get(), end, what);
    } catch (const Error&) {
      m_generation = 0;
    }
    throw;
  }
  m_verified_end = new_end;
  m_index.add(end, frames);
}

} // namespace linkhook
