#include "store/frame.hpp"

#include "base/crc32.hpp"
#include "base/little_endian.hpp"
#include "base/posix_file.hpp"

#include <algorithm>
#include <optional>

namespace linkhook {

namespace {

constexpr std::string_view k_magic = "LHKr";
constexpr std::size_t k_window = 1U << 20;
// scan_frames_backward reads runs of frames of up to this many bytes at once.
constexpr std::uint64_t k_backward_window = 4U << 20;

void put(std::string& out, std::uint64_t value, int bytes) {
  put_little_endian(out, value, bytes);
}

std::uint32_t get(std::string_view in, std::size_t at, int bytes) {
  return static_cast<std::uint32_t>(get_little_endian(in, at, bytes));
}

// Whether the CRC in a frame's `header` covers it and its `payload`.
bool crc_matches(std::string_view header, std::string_view payload) {
  return crc32(payload, crc32(header.substr(4, 8))) == get(header, 12, 4);
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

std::vector<std::uint64_t> frame_starts(std::string_view frames, std::uint64_t at) {
  std::vector<std::uint64_t> starts;
  for (std::size_t pos = 0; pos + k_frame_header_size <= frames.size();
       pos += k_frame_header_size + get(frames, pos + 8, 4)) {
    starts.push_back(at + pos);
  }
  return starts;
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
        if (crc_matches(header, payload)) {
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

BackwardScan scan_frames_backward(int fd, std::span<const FrameSpan> spans,
                                  const BackwardFrameVisitor& visit, std::string_view what) {
  std::string buffer;
  for (auto left = spans.size(); left > 0;) {
    // The run of frames [first, left) read at once: as many as fit in the window, at least one.
    auto first = left - 1;
    const auto run_end = spans[first].end;
    if (spans[first].begin >= run_end ||
        run_end - spans[first].begin > k_frame_header_size + k_max_frame_payload) {
      return {.unvisited = left};
    }
    while (first > 0 && spans[first - 1].begin < spans[first - 1].end &&
           spans[first - 1].end <= spans[first].begin &&
           run_end - spans[first - 1].begin <= k_backward_window) {
      --first;
    }
    const auto run_begin = spans[first].begin;
    buffer.resize(static_cast<std::size_t>(run_end - run_begin));
    buffer.resize(read_at(fd, buffer.data(), buffer.size(), run_begin, what));
    for (; left > first; --left) {
      const auto& span = spans[left - 1];
      const auto at = static_cast<std::size_t>(span.begin - run_begin);
      const auto size = static_cast<std::size_t>(span.end - span.begin);
      if (at + size > buffer.size() || size < k_frame_header_size) {
        return {.unvisited = left};
      }
      const auto frame = std::string_view(buffer).substr(at, size);
      const auto header = frame.substr(0, k_frame_header_size);
      const auto payload = frame.substr(k_frame_header_size);
      if (!header.starts_with(k_magic) || get(header, 8, 4) != payload.size() ||
          !crc_matches(header, payload)) {
        return {.unvisited = left};
      }
      if (!visit(static_cast<std::uint16_t>(get(header, 4, 2)), payload, span.begin)) {
        return {.stopped = true, .unvisited = left - 1};
      }
    }
  }
  return {};
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
      !crc_matches(header, frame.payload)) {
    return std::nullopt;
  }
  return frame;
}

} // namespace linkhook
