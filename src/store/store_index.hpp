#pragma once

#include "base/posix_file.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

// Beside the log, `events.idx` says where each record's frame starts, so that the newest records
// can be read from the end of the log (`store list --limit`) instead of after all the others. It
// holds a 16-byte header ("LHKINDEX", the generation of the log it indexes) and then one u64
// (little-endian) per frame, oldest first.
//
// It only ever saves reading. Writers keep it under the log's exclusive lock and never sync it;
// readers check each frame it points at against the log (scan_frames_backward) and scan the log
// itself where it is missing, stale or wrong; and a writer that finds it out of step with the log
// (a crash, an older linkhook, a `clear`) writes it again.
namespace linkhook {

std::filesystem::path store_index_path(const std::filesystem::path& dir);

// The index in `dir` as a reader takes it, a part at a time from its end.
class StoreIndexReader {
public:
  // The index of the log of `generation`, up to the first entry at or past `end` (appended since
  // the caller read where the log ends, or not of this log at all); empty when there is none.
  StoreIndexReader(const std::filesystem::path& dir, std::uint64_t generation, std::uint64_t end);

  // How many entries it lists.
  std::uint64_t size() const { return m_size; }

  // The entries [from, to): where frames start, ascending when the index is sound.
  std::vector<std::uint64_t> read(std::uint64_t from, std::uint64_t to) const;

private:
  std::string m_path;
  FileDescriptor m_fd;
  std::uint64_t m_size = 0;
};

// The index as one writer keeps it, called under the log's exclusive lock. It never throws: an
// index it cannot write is one that readers do without.
class StoreIndexWriter {
public:
  explicit StoreIndexWriter(std::filesystem::path dir);

  // Before an append to the log of `generation`: `scanned` are the starts of the frames the
  // writer found in the log since its last call (all of them when `from_start`). When the index
  // does not end with the last of the log's frames, it is extended, or written again from
  // `all_starts()`.
  void catch_up(std::uint64_t generation, bool from_start, std::span<const std::uint64_t> scanned,
                const std::function<std::vector<std::uint64_t>()>& all_starts);

  // After an append: lists `frames` (as append_frame made them), now at `at` of the log.
  void add(std::uint64_t at, std::string_view frames);

private:
  void rewrite(std::uint64_t generation, std::span<const std::uint64_t> starts);

  std::string m_path;
  FileDescriptor m_fd;
  // The start of the log's last frame, as this writer knows it; 0 (where the log's header is)
  // for none. The last entry of an index in step with the log.
  std::uint64_t m_last_frame = 0;
  std::uint64_t m_size = 0; // of the index, after catch_up
};

} // namespace linkhook
