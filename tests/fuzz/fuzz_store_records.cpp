// libFuzzer target: the store is read back after crashes, disk faults and hand edits, and
// `store import` reads records other tools wrote, so none of their bytes may crash a reader, and
// every record that reads back must survive the binary and JSON forms unchanged. The input is,
// by its first bytes:
//   "LHKSTORE..."  a whole log file, scanned as `store list` does (damaged frames, torn tails);
//   "{..."          one line of `store export`, imported;
//   anything else   one record's payload, decoded, then framed into a log with a torn copy
//                   after it (a crash mid-write) and scanned.
#include "base/error.hpp"
#include "base/timestamp.hpp"
#include "fuzz_check.hpp"
#include "store/event_store.hpp"
#include "store/frame.hpp"
#include "store/json.hpp"
#include "store/record.hpp"
#include "temp_dir.hpp"

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace linkhook;

constexpr std::string_view k_log_magic = "LHKSTORE";
// The 24-byte header of a log: magic, format version 1, 4 reserved bytes, generation 7.
constexpr std::string_view k_log_header{"LHKSTORE\1\0\0\0\0\0\0\0\7\0\0\0\0\0\0\0", 24};

const std::filesystem::path& store_dir() {
  static const test::TempDir dir;
  return dir.path();
}

// Every record that reads back is the same through each form it is kept or moved in.
void check_round_trips(const StoreRecord& record) {
  const auto decoded = decode_record(encode_record(record));
  FUZZ_CHECK(decoded && *decoded == record);
  if (record.id.empty() || record.time_ms < 0 || record.time_ms > k_max_timestamp_ms) {
    return; // no writer makes one, and `store import` refuses it
  }
  const auto line = json_line(record_to_json(record));
  FUZZ_CHECK(line.find('\n') == line.size() - 1);
  FUZZ_CHECK(record_from_json(nlohmann::ordered_json::parse(line)) == record);
}

std::vector<StoreRecord> scan_log(std::string_view log, StoreScan& scan) {
  {
    std::ofstream file(store_log_path(store_dir()), std::ios::binary | std::ios::trunc);
    file.write(log.data(), static_cast<std::streamsize>(log.size()));
  }
  std::vector<StoreRecord> records;
  scan = scan_store(store_dir(), [&](const StoreRecord& record) { records.push_back(record); });
  FUZZ_CHECK(scan.records == records.size());
  const auto frames_size = log.size() > k_log_header.size() ? log.size() - k_log_header.size() : 0;
  FUZZ_CHECK(scan.torn_tail_bytes + scan.damaged_tail_bytes + scan.corrupt_bytes <= frames_size);
  return records;
}

void check_log(std::string_view log) {
  try {
    StoreScan scan;
    for (const auto& record : scan_log(log, scan)) {
      check_round_trips(record);
    }
  } catch (const Error&) {
    // A file that is not a store (its magic mangled) is refused with a message.
  }
}

void check_import(std::string_view line) {
  const auto json = nlohmann::ordered_json::parse(line, nullptr, false);
  if (json.is_discarded()) {
    return;
  }
  try {
    check_round_trips(record_from_json(json));
  } catch (const Error&) {
    // A record with a field of the wrong kind is refused, naming the field.
  }
}

void check_payload(std::string_view payload) {
  const auto record = decode_record(payload);
  if (record) {
    check_round_trips(*record);
  }
  std::string log(k_log_header);
  append_frame(log, payload);
  const auto intact = log.size();
  append_frame(log, payload);
  log.pop_back(); // the second frame torn by a crash
  StoreScan scan;
  const auto records = scan_log(log, scan);
  // The first frame is intact; what follows it is the torn one, whatever magic its payload holds.
  if (record) {
    FUZZ_CHECK(!records.empty() && records.front() == *record);
  } else {
    FUZZ_CHECK(scan.skipped_records >= 1);
  }
  FUZZ_CHECK(scan.torn_tail_bytes + scan.damaged_tail_bytes + scan.corrupt_bytes <=
             log.size() - intact);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (input.starts_with(k_log_magic)) {
    check_log(input);
  } else if (input.starts_with("{")) {
    check_import(input);
  } else {
    check_payload(input);
  }
  return 0;
}
