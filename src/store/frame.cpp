#include "store/frame.hpp"

#include "base/crc32.hpp"
#include "base/posix_file.hpp"

#include <algorithm>
#include <optional>

namespace linkhook {

namespace {

constexpr std::string_view k_magic = "LHKr";
constexpr std::size_t k_window = 1U << 20;

void put(std::string& out, std::uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) {
    out.push_back(static_cast<char>((value >> (8 * i)) & 0xffU));
  }
}

std::uint32_t get(std::string_view in, std::size_t at, int bytes) {
  std::uint32_t value = 0;
  for (int i = 0; i < bytes; ++i) {
    value |= std::uint32_t{static_cast<unsigned char>(in[at + static_cast<std::size_t>(i)])}
             << (8 * i);
  }
  return value;
}

// A read-ahead window over [0, end) of a file, so scanning costs one read per megabyte, not two
// per record.
class FileWindow {
public:
  FileWindow(int fd, std::uint64_t end, std::string_view what)
      : m_fd(fd), m_end(end), m_what(what) {}

  // The bytes [offset, offset + length), fewer at the end of the range. Valid until next call.
  std::string_view get(std::uint64_t offset, std::size_t length) {
    const auto available = static_cast<std::size_t>(
        std::min<std::uint64_t>(length, offset < m_end ? m_end - offset : 0));
    if (offset < m_start || offset + available > m_start + m_buffer.size()) {
      m_start = offset;
      // No more than the range holds: a scan of a few new records reads (and clears) only them.
      const auto wanted = std::max(available, static_cast<std::size_t>(std::min<std::uint64_t>(
                                                  k_window, offset < m_end ? m_end - offset : 0)));
      m_buffer.resize(wanted);
      m_buffer.resize(read_at(m_fd, m_buffer.data(), wanted, offset, m_what));
    }
    return std::string_view(m_buffer).substr(static_cast<std::size_t>(offset - m_start), available);
  }

private:
  int m_fd;
  std::uint64_t m_end;
  std::string_view m_what;
  std::uint64_t m_start = 0;
  std::string m_buffer;
};

// The offset of the next magic at or after `from`, or `end`.
std::uint64_t find_magic(FileWindow& window, std::uint64_t from, std::uint64_t end) {
  while (from < end) {
    const auto chunk = window.get(from, k_window);
    const auto found = chunk.find(k_magic);
    if (found != std::string_view::npos) {
      return from + found;
    }
    if (chunk.size() < k_magic.size()) {
      return end;
    }
    from += chunk.size() - (k_magic.size() - 1); // a magic may straddle two chunks
  }
  return end;
}

bool all_zero(FileWindow& window, std::uint64_t from, std::uint64_t end) {
  for (; from < end;) {
    const auto chunk = window.get(from, k_window);
    if (chunk.find_first_not_of('\0') != std::string_view::npos) {
      return false;
    }
    from += chunk.size();
  }
  return true;
}

// The length a frame header at `at` declares, when its magic (or as much of it as there is
// before `end`) is there; nullopt otherwise. A header cut short declares nothing yet: 0.
std::optional<std::uint64_t> declared_length(FileWindow& window, std::uint64_t at) {
  const std::string header(window.get(at, k_frame_header_size));
  if (!k_magic.starts_with(std::string_view(header).substr(0, k_magic.size()))) {
    return std::nullopt;
  }
  return header.size() < k_frame_header_size ? 0 : get(header, 8, 4);
}

// What the bytes [from, end) after the last intact frame are.
FrameTail classify_tail(FileWindow& window, std::uint64_t from, std::uint64_t end) {
  if (from == end) {
    return FrameTail::none;
  }
  if (all_zero(window, from, end)) {
    return FrameTail::zeros;
  }
  const auto length = declared_length(window, from);
  const bool runs_past_end =
      length && *length <= k_max_frame_payload &&
      (end - from < k_frame_header_size || end - from - k_frame_header_size < *length);
  return runs_past_end ? FrameTail::torn : FrameTail::damaged;
}

} // namespace

void append_frame(std::string& out, std::string_view payload, std::uint16_t version) {
  std::string checked;
  put(checked, version, 2);
  put(checked, 0, 2);
  put(checked, payload.size(), 4);
  out.append(k_magic);
  out.append(checked);
  put(out, crc32(payload, crc32(checked)), 4);
  out.append(payload);
}

FrameScan scan_frames(int fd, std::uint64_t begin, std::uint64_t end, const FrameVisitor& visit,
                      std::string_view what) {
  FileWindow window(fd, end, what);
  FrameScan scan{.end = begin};
  std::uint64_t pos = begin;
  while (pos < end) {
    const std::string header(window.get(pos, k_frame_header_size));
    if (header.size() == k_frame_header_size && header.starts_with(k_magic)) {
      const auto length = get(header, 8, 4);
      if (length <= k_max_frame_payload && end - pos - k_frame_header_size >= length) {
        const auto payload = window.get(pos + k_frame_header_size, length);
        const auto crc = crc32(payload, crc32(std::string_view(header).substr(4, 8)));
        if (crc == get(header, 12, 4)) {
          scan.corrupt_bytes += pos - scan.end;
          if (visit) {
            visit(static_cast<std::uint16_t>(get(header, 4, 2)), payload, pos);
          }
          ++scan.frames;
          pos += k_frame_header_size + length;
          scan.end = pos;
          continue;
        }
      }
    }
    pos = find_magic(window, pos + 1, end);
  }
  scan.tail_bytes = end - scan.end;
  scan.tail = classify_tail(window, scan.end, end);
  return scan;
}

std::optional<Frame> read_frame_at(int fd, std::uint64_t offset, std::uint64_t end,
                                   std::string_view what) {
  std::string header(k_frame_header_size, '\0');
  if (offset >= end || end - offset < k_frame_header_size ||
      read_at(fd, header.data(), header.size(), offset, what) < header.size() ||
      !header.starts_with(k_magic)) {
    return std::nullopt;
  }
  const auto length = get(header, 8, 4);
  if (length > k_max_frame_payload || end - offset - k_frame_header_size < length) {
    return std::nullopt;
  }
  Frame frame{.version = static_cast<std::uint16_t>(get(header, 4, 2)),
              .payload = std::string(length, '\0')};
  if (read_at(fd, frame.payload.data(), length, offset + k_frame_header_size, what) < length ||
      crc32(frame.payload, crc32(std::string_view(header).substr(4, 8))) != get(header, 12, 4)) {
    return std::nullopt;
  }
  return frame;
}

} // namespace linkhook
