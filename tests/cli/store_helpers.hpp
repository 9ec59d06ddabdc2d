// Shared by the store CLI tests: records in the form `store export` writes, a store filled with
// them, and the bytes of the log's header.
#pragma once

#include "cli_helpers.hpp"
#include "temp_dir.hpp"

#include <fstream>
#include <iterator>

namespace linkhook::test {

// Three records in exactly the form `store export` writes, so an export of the imported store
// must reproduce these bytes. The second has a binary body (NUL, 0xff, 0xfe) and a header
// value that is not UTF-8; the third repeats the first one's id as a duplicate.
inline const std::string k_records =
    R"({"id":"msg_1","kind":"received","event":"link.clicked","received_at":"2025-10-19T10:30:00.123Z",)"
    R"("verified":true,"duplicate":false,"status":204,"reason":"valid","verdict":"verified",)"
    R"("body_size":24,"headers":[["webhook-id","msg_1"],["Content-Type","application/json"],)"
    R"(["X-Twice","a"],["x-twice","b"]],"body":"{\"event\":\"link.clicked\"}"})"
    "\n"
    R"({"id":"rec_0123456789abcdefghijklmn","kind":"received","event":"","received_at":)"
    R"("2025-10-19T10:30:01.000Z","verified":false,"duplicate":false,"status":401,"reason":)"
    R"("no signature matches","verdict":"rejected","body_size":6,"headers":[["X-Raw",)"
    R"({"base64":"//4="}]],"body_base64":"AP/+Ymlu"})"
    "\n"
    R"({"id":"msg_1","kind":"received","event":"link.clicked","received_at":"2025-10-19T10:30:02.000Z",)"
    R"("verified":true,"duplicate":true,"status":204,"reason":"valid","verdict":"duplicate",)"
    R"("body_size":2,"headers":[],"body":"{}"})"
    "\n";

// A record that k_records does not hold.
inline const std::string k_sent_record =
    R"({"id":"msg_9","kind":"sent","event":"qr.scanned","sent_at":"2025-10-19T10:31:00.000Z",)"
    R"("status":200,"headers":[],"body":"{}"})"
    "\n";

inline std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Where the log of the store in `dir` ends, as its header says (bytes 10 to 15).
inline std::uint64_t log_end(const std::string& dir) {
  const auto header = read_bytes(dir + "/events.log").substr(10, 6);
  std::uint64_t end = 0;
  for (int i = 5; i >= 0; --i) {
    end = end << 8U | static_cast<unsigned char>(header[static_cast<std::size_t>(i)]);
  }
  return end;
}

inline void set_log_end(const std::string& dir, std::uint64_t end) {
  std::string bytes;
  for (int i = 0; i < 6; ++i) {
    bytes.push_back(static_cast<char>((end >> (8 * i)) & 0xffU));
  }
  std::fstream log(dir + "/events.log", std::ios::binary | std::ios::in | std::ios::out);
  log.seekp(10);
  log << bytes;
}

// Where a writer keeps the bytes at `offset` of the log that it cuts.
inline std::string damaged_copy(const std::string& dir, std::uint64_t offset) {
  return dir + "/events.log.damaged-" + std::to_string(offset);
}

// A temporary store filled with k_records through `store import -`.
struct FilledStore {
  TempDir tmp;
  std::string dir = (tmp / "store").string();

  FilledStore() {
    const auto r = run_linkhook({"store", "import", "-", "--store", dir}, k_records);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out == "imported 3 records into " + dir + ", 0 already stored\n");
  }

  Result store(std::vector<std::string> args) const {
    args.insert(args.begin(), "store");
    args.insert(args.end(), {"--store", dir});
    return run_linkhook(args, {}, {{"NO_COLOR", "1"}});
  }
};

} // namespace linkhook::test
