#include "store/store_index.hpp"

#include "base/error.hpp"
#include "base/little_endian.hpp"
#include "store/frame.hpp"

#include <cerrno>
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

namespace linkhook {

namespace {

constexpr std::string_view k_index_name = "events.idx";
constexpr std::string_view k_index_magic = "LHKINDEX";
constexpr std::uint64_t k_index_header_size = 16;
constexpr std::uint64_t k_entry_size = 8;

// The generation in an index's header; none when `header` is not one.
std::optional<std::uint64_t> header_generation(std::string_view header) {
  if (header.size() < k_index_header_size || !header.starts_with(k_index_magic)) {
    return std::nullopt;
  }
  return get_little_endian(header, k_index_magic.size(), 8);
}

std::string encode_starts(std::span<const std::uint64_t> starts) {
  std::string out;
  out.reserve(starts.size() * k_entry_size);
  for (const auto start : starts) {
    put_little_endian(out, start, k_entry_size);
  }
  return out;
}

} // namespace

std::filesystem::path store_index_path(const std::filesystem::path& dir) {
  return dir / k_index_name;
}

StoreIndexReader::StoreIndexReader(const std::filesystem::path& dir, std::uint64_t generation,
                                   std::uint64_t end)
    : m_path(store_index_path(dir).string()), m_fd(::open(m_path.c_str(), O_RDONLY | O_CLOEXEC)) {
  if (!m_fd) {
    return;
  }
  const auto what = fmt::format("cannot read {}", m_path);
  std::string header(k_index_header_size, '\0');
  header.resize(read_at(m_fd.get(), header.data(), header.size(), 0, what));
  const auto size = file_size(m_fd.get(), what);
  if (header_generation(header) != generation || size < k_index_header_size) {
    return;
  }
  // Entries past `end` are few (what writers appended since): more, and the index is not this
  // log's.
  constexpr std::uint64_t k_most_past_end = 4096;
  m_size = (size - k_index_header_size) / k_entry_size;
  for (std::uint64_t past = 0; m_size > 0;) {
    const auto last = read(m_size - 1, m_size);
    if (!last.empty() && last.front() < end) {
      break;
    }
    m_size = ++past < k_most_past_end ? m_size - 1 : 0;
  }
}

std::vector<std::uint64_t> StoreIndexReader::read(std::uint64_t from, std::uint64_t to) const {
  std::string bytes(static_cast<std::size_t>((to - from) * k_entry_size), '\0');
  bytes.resize(read_at(m_fd.get(), bytes.data(), bytes.size(),
                       k_index_header_size + from * k_entry_size,
                       fmt::format("cannot read {}", m_path)));
  std::vector<std::uint64_t> starts;
  starts.reserve(bytes.size() / k_entry_size);
  for (std::size_t at = 0; at + k_entry_size <= bytes.size(); at += k_entry_size) {
    starts.push_back(get_little_endian(bytes, at, k_entry_size));
  }
  return starts;
}

StoreIndexWriter::StoreIndexWriter(std::filesystem::path dir)
    : m_path(store_index_path(dir).string()) {}

void StoreIndexWriter::catch_up(std::uint64_t generation, bool from_start,
                                std::span<const std::uint64_t> scanned,
                                const std::function<std::vector<std::uint64_t>()>& all_starts) {
  const auto previous_last = from_start ? 0 : m_last_frame;
  if (!scanned.empty()) {
    m_last_frame = scanned.back();
  } else if (from_start) {
    m_last_frame = 0;
  }
  try {
    if (!m_fd || !is_file_at(m_fd.get(), m_path)) {
      m_fd = FileDescriptor(::open(m_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
      if (!m_fd) {
        return;
      }
    }
    const auto what = fmt::format("cannot read {}", m_path);
    m_size = file_size(m_fd.get(), what);
    std::string header(k_index_header_size, '\0');
    header.resize(read_at(m_fd.get(), header.data(), header.size(), 0, what));
    std::uint64_t listed_last = 0;
    if (m_size >= k_index_header_size + k_entry_size) {
      std::string entry(k_entry_size, '\0');
      read_at(m_fd.get(), entry.data(), entry.size(), m_size - k_entry_size, what);
      listed_last = get_little_endian(entry, 0, k_entry_size);
    }
    // (An entry of 0 is never a frame's start: 0 is where the log's header is.)
    const bool sound = header_generation(header) == generation &&
                       (m_size - k_index_header_size) % k_entry_size == 0 &&
                       (m_size == k_index_header_size || listed_last != 0);
    if (sound && listed_last == m_last_frame) {
      return;
    }
    if (sound && !scanned.empty() && listed_last == previous_last) {
      const auto entries = encode_starts(scanned);
      write_all_at(m_fd.get(), entries, m_size, fmt::format("cannot write {}", m_path));
      m_size += entries.size();
      return;
    }
    rewrite(generation, from_start ? scanned : all_starts());
  } catch (const Error&) {
    m_size = 0; // add() writes nothing until catch_up finds the index sound again
  }
}

void StoreIndexWriter::rewrite(std::uint64_t generation, std::span<const std::uint64_t> starts) {
  std::string bytes(k_index_magic);
  put_little_endian(bytes, generation, 8);
  bytes += encode_starts(starts);
  const auto what = fmt::format("cannot write {}", m_path);
  write_all_at(m_fd.get(), bytes, 0, what);
  if (::ftruncate(m_fd.get(), static_cast<off_t>(bytes.size())) != 0) {
    throw Error(system_message(what, errno));
  }
  m_size = bytes.size();
}

void StoreIndexWriter::add(std::uint64_t at, std::string_view frames) {
  const auto starts = frame_starts(frames, at);
  if (starts.empty()) {
    return;
  }
  m_last_frame = starts.back();
  if (m_size < k_index_header_size) {
    return;
  }
  try {
    const auto entries = encode_starts(starts);
    write_all_at(m_fd.get(), entries, m_size, fmt::format("cannot write {}", m_path));
    m_size += entries.size();
  } catch (const Error&) {
    m_size = 0;
  }
}

} // namespace linkhook
