#pragma once

#include "store/event_store.hpp"
#include "temp_dir.hpp"

#include <cstdlib>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

// Shared by the event store and batch writer tests.
namespace linkhook::test {

inline StoreRecord sample_record(const std::string& id, std::string body = "{\"event\":\"x\"}") {
  StoreRecord record;
  record.id = id;
  record.event = "link.clicked";
  record.time_ms = 1760869800000;
  record.headers = {{"webhook-id", id}, {"content-type", "application/json"}};
  record.body = std::move(body);
  record.verdict = {.verified = true, .duplicate = false, .status = 204, .reason = "valid"};
  return record;
}

inline std::vector<StoreRecord> all_records(const std::filesystem::path& dir,
                                            StoreScan* scan = nullptr) {
  std::vector<StoreRecord> records;
  const auto result = scan_store(dir, [&](const StoreRecord& r) { records.push_back(r); });
  if (scan != nullptr) {
    *scan = result;
  }
  return records;
}

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_file(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

// Where the log in `dir` ends, as its header says: past that is free space.
inline std::uint64_t log_end(const std::filesystem::path& dir) {
  const auto bytes = read_file(store_log_path(dir));
  std::uint64_t end = 0;
  for (std::size_t i = 0; i < 6; ++i) {
    end |= std::uint64_t{static_cast<unsigned char>(bytes.at(10 + i))} << (8 * i);
  }
  return end;
}

// The log in `dir` without its free space: the header and the frames.
inline std::string log_bytes(const std::filesystem::path& dir) {
  return read_file(store_log_path(dir)).substr(0, log_end(dir));
}

// Runs `body` in a forked child and returns its exit code: for what must happen in another
// process (a second writer, a file size limit). The child never returns into the test runner.
inline int in_child_process(const std::function<int()>& body) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    int code = 99;
    try {
      code = body();
    } catch (...) {
      code = 98;
    }
    ::_exit(code);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

inline std::vector<std::string> ids_of(const std::vector<StoreRecord>& records) {
  std::vector<std::string> ids;
  for (const auto& record : records) {
    ids.push_back(record.id);
  }
  return ids;
}

} // namespace linkhook::test
