#pragma once

#include "base/posix_file.hpp"
#include "store/frame.hpp"
#include "store/record.hpp"
#include "store/store_index.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>

// The event store: one append-only log, `events.log`, in the store directory. The log starts
// with a 24-byte header ("LHKSTORE", format, where the log ends, a random generation that `clear`
// renews) and holds one frame per record (see store/frame.hpp), oldest first. Past its end the
// file holds free space written ahead of the appends that will fill it.
namespace linkhook {

struct StoreScan {
  std::uint64_t records = 0;            // records visited
  std::uint64_t torn_tail_bytes = 0;    // an incomplete last record (a crash mid-write): skipped
  std::uint64_t damaged_tail_bytes = 0; // a last record that is damaged (FrameTail::damaged)
  std::uint64_t corrupt_bytes = 0;      // damaged bytes between intact records: skipped
  std::uint64_t skipped_records = 0;    // intact records of a newer format this build cannot read
  FrameTail tail = FrameTail::none;
  std::uint64_t tail_offset = 0; // where the torn or damaged tail starts
  std::uint64_t generation = 0;  // of the log scanned (0: none), for a StoreReader
};

using RecordVisitor = std::function<void(const StoreRecord&)>;
// The same with where the record's frame starts in the log.
using LocatedRecordVisitor = std::function<void(const StoreRecord&, std::uint64_t offset)>;

std::filesystem::path store_log_path(const std::filesystem::path& dir);

// Visits every record of the store in `dir`, oldest first. A missing store holds none. Damage
// is counted in the result and skipped, never thrown; an I/O error or a file that is not a
// store is an Error.
StoreScan scan_store(const std::filesystem::path& dir, const RecordVisitor& visit);

// The same, with where each record's frame starts: for a StoreReader to read it again later.
StoreScan scan_store_located(const std::filesystem::path& dir, const LocatedRecordVisitor& visit);

// Reads records again where a scan found them, one at a time, from any thread: a replay of many
// records holds only those in flight. The log must be the one scanned still: once cleared or
// replaced, no record is read.
class StoreReader {
public:
  StoreReader(const std::filesystem::path& dir, const StoreScan& scan);

  // The record whose frame starts at `offset`; none when the log is no longer the one scanned,
  // or no intact record starts there.
  std::optional<StoreRecord> at(std::uint64_t offset) const;

private:
  std::string m_log;
  FileDescriptor m_fd;
  std::uint64_t m_generation;
  std::uint64_t m_end; // of the log scanned
};

// Visits the records of the store in `dir` newest first, until `visit` returns false: it reads
// from the end of the log, finding where records start in the store's index (store_index.hpp),
// and reads the log from the start only where the index does not say. Damage is counted and
// skipped as scan_store does.
StoreScan scan_store_newest_first(const std::filesystem::path& dir,
                                  const std::function<bool(const StoreRecord&)>& visit);

// Follows the store in `dir` while writers append to it: each read() visits the records appended
// since the one before (the first read, every record the store holds). A `clear`, or a log
// deleted and made again, starts it over at the new log's beginning; a store that does not exist
// yet holds no records until it does. For `store wait` and the inspector's live list.
class StoreFollower {
public:
  explicit StoreFollower(std::filesystem::path dir);

  // Visits the new records, oldest first (only their summary parts, when asked), and returns
  // how many it visited. Damage is skipped as scan_store skips it; an I/O error or a file that is
  // not a store is an Error.
  std::uint64_t read(const LocatedRecordVisitor& visit, RecordParts parts = RecordParts::whole);

  // Moves past every record appended so far, unread: read() visits only later ones.
  void skip_to_end();

  // The record whose frame starts at `offset` of the log read so far (as read() gave it); none
  // when no intact frame starts there, or the log was cleared or replaced since.
  std::optional<StoreRecord> record_at(std::uint64_t offset);

  // Visits again, oldest first, the records read so far whose frame starts in [begin, end) (each
  // where a frame starts, or the end of what was read) and holds the bytes `text` somewhere (in
  // the body, a header, the id...): a search that decodes only those.
  void search(std::string_view text, std::uint64_t begin, std::uint64_t end,
              const LocatedRecordVisitor& visit);

  // Waits until the log may have changed, `timeout` passed, or `interrupt` (a descriptor, or -1
  // for none) became readable; returns false in that last case only. The store's directory is
  // watched with inotify once it exists, and looked at every quarter second until then. Read
  // after each wait: a wait may end early, but never late.
  bool wait(std::chrono::milliseconds timeout, int interrupt = -1);

private:
  void watch();
  void open_if_replaced();
  bool still_read();

  std::filesystem::path m_dir;
  std::string m_log;
  FileDescriptor m_fd;
  std::uint64_t m_generation = 0; // of the log read so far; 0: none read yet
  std::uint64_t m_next = 0;       // where the next unread frame starts
  FileDescriptor m_notify;        // inotify
  int m_watch = -1;               // on m_dir, once it exists
};

// Where a writer keeps a copy of the bytes at `offset` of the log in `dir` (a torn or damaged
// tail) before it reuses their space: "events.log.damaged-OFFSET" beside the log.
std::filesystem::path damaged_copy_path(const std::filesystem::path& dir, std::uint64_t offset);

// Empties the store in `dir` and returns how many records it held. A missing store stays missing.
std::uint64_t clear_store(const std::filesystem::path& dir);

// The frame of one record, as EventStore::append_frames takes it.
std::string encode_frame(const StoreRecord& record);

// A writer of the store in one directory; other writers (threads with their own EventStore,
// other processes) may append to the same store at the same time.
class EventStore {
public:
  // Opens the store in `dir`, creating the directory (mode 0700) and the log (0600).
  explicit EventStore(std::filesystem::path dir);

  const std::filesystem::path& dir() const { return m_dir; }

  // Appends the records and returns once they are durable (written and fdatasync'd). On an
  // error (a full disk, say) it throws, and none of them is in the log.
  void append(std::span<const StoreRecord> records);

  // The same for frames made by encode_frame: one write and one sync for all of them.
  void append_frames(std::string_view frames);

  // Bytes of torn or damaged tails this writer found and cut off before appending. It keeps a
  // copy of any that is not all zeros (damaged_copy_path), and says so on stderr: a damaged
  // last record may have been acknowledged. When the copy cannot be made, the append fails.
  std::uint64_t truncated_bytes() const { return m_truncated_bytes; }

private:
  void open_log();
  void reopen_if_replaced();
  std::uint64_t writable_end();
  void reserve(std::uint64_t size);
  void keep_copy(std::uint64_t from, std::uint64_t to, FrameTail tail);

  std::filesystem::path m_dir;
  std::string m_log;
  std::mutex m_mutex; // one append at a time per writer; flock orders the writers
  FileDescriptor m_fd;
  std::uint64_t m_generation = 0; // 0: not known
  std::uint64_t m_verified_end = 0;
  std::uint64_t m_file_size = 0; // as writable_end found it, or as reserve made it
  std::uint64_t m_truncated_bytes = 0;
  StoreIndexWriter m_index;
};

} // namespace linkhook
