#pragma once

#include "event_store.hpp"
#include "temp_dir.hpp"

#include <cstdlib>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

// Shared by the event store and group commit tests.
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

} // namespace linkhook::test
