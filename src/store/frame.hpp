#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

// The framing of records in the store's log: each record is one frame,
//
//   magic "LHKr" | version u16 | flags u16 | payload length u32 | CRC-32 u32 | payload
//
// (integers little-endian; the CRC covers version, flags, length and payload). A frame is
// written whole by one write, so a crash can leave at most an incomplete last frame, which
// readers detect and skip: a short frame, or zeros where the end moved ahead of the bytes. A
// frame that is complete but fails its CRC is no such thing: it is damage.
namespace linkhook {

constexpr std::size_t k_frame_header_size = 16;
constexpr std::uint16_t k_frame_version = 1;
// Far above any body the listener accepts; a larger length is a corrupt header.
constexpr std::uint32_t k_max_frame_payload = 256U << 20;

// Appends one frame holding `payload` to `out`.
void append_frame(std::string& out, std::string_view payload,
                  std::uint16_t version = k_frame_version);

// Where each frame of `frames` (a run of frames as append_frame made them) starts, once they are
// written at `at` of a file.
std::vector<std::uint64_t> frame_starts(std::string_view frames, std::uint64_t at);

// What follows the last intact frame.
enum class FrameTail {
  none,
  zeros,   // only zero bytes: an end that reached the disk before the frames it covers
  torn,    // the start of one frame that runs past the end: a write cut short
  damaged, // anything else, such as a complete frame failing its CRC: not a crash's doing
};

struct FrameScan {
  std::uint64_t end = 0;           // where the last intact frame ends
  std::uint64_t frames = 0;        // intact frames visited
  std::uint64_t corrupt_bytes = 0; // damaged bytes between intact frames, skipped
  std::uint64_t tail_bytes = 0;    // bytes after the last intact frame
  FrameTail tail = FrameTail::none;
};

// Called with each intact frame's version and payload (valid only during the call) and offset.
using FrameVisitor =
    std::function<void(std::uint16_t version, std::string_view payload, std::uint64_t offset)>;

// Walks the frames of the file `fd` from `begin` to `end`. After a damaged frame it looks for
// the next magic whose frame is intact and goes on from there, so that one bad record in the
// middle of a log cannot hide the records after it. Never throws for damage, only for I/O.
FrameScan scan_frames(int fd, std::uint64_t begin, std::uint64_t end, const FrameVisitor& visit,
                      std::string_view what);

// Where one frame lies in a file: [begin, end).
struct FrameSpan {
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
};

// Called with each frame as scan_frames_backward finds it; false stops the scan.
using BackwardFrameVisitor =
    std::function<bool(std::uint16_t version, std::string_view payload, std::uint64_t offset)>;

struct BackwardScan {
  bool stopped = false; // by the visitor
  // The spans left unvisited, from the first: when not stopped and not 0, the last of them
  // (spans[unvisited - 1]) holds no intact frame that fills it exactly.
  std::size_t unvisited = 0;
};

// Visits the frames in `spans` (ascending, not overlapping), last first, reading a few megabytes
// of `fd` at a time: for the newest records of a long log, without reading the rest of it.
BackwardScan scan_frames_backward(int fd, std::span<const FrameSpan> spans,
                                  const BackwardFrameVisitor& visit, std::string_view what);

// The intact frame that starts at `offset` of `fd`, ending at or before `end`: its version and
// payload; none when there is none there. One read of the header and one of the payload, for
// reading records here and there (scan_frames reads ahead a megabyte at a time).
struct Frame {
  std::uint16_t version = 0;
  std::string payload;
};
std::optional<Frame> read_frame_at(int fd, std::uint64_t offset, std::uint64_t end,
                                   std::string_view what);

} // namespace linkhook
