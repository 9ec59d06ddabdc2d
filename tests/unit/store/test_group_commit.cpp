#include "base/error.hpp"
#include "store/group_commit.hpp"
#include "test_helpers.hpp"

#include <atomic>
#include <csignal>
#include <doctest/doctest.h>
#include <set>
#include <sys/resource.h>
#include <thread>

using namespace linkhook;
using namespace linkhook::test;

namespace {

// Runs `per_thread(t)` on `threads` threads at once and waits for all of them.
void on_threads(int threads, const std::function<void(int)>& per_thread) {
  std::vector<std::thread> running;
  for (int t = 0; t < threads; ++t) {
    running.emplace_back(per_thread, t);
  }
  for (auto& thread : running) {
    thread.join();
  }
}

} // namespace

TEST_SUITE("store/group_commit") {
  TEST_CASE("concurrent appends all land exactly once, with far fewer syncs than records") {
    TempDir tmp;
    EventStore store(tmp.path());
    GroupCommitWriter writer(store);
    constexpr int k_threads = 8;
    constexpr int k_each = 500;
    on_threads(k_threads, [&](int t) {
      for (int i = 0; i < k_each; ++i) {
        writer.append(sample_record(std::to_string(t) + "-" + std::to_string(i)));
      }
    });
    const auto stats = writer.stats();
    CHECK(stats.records == k_threads * k_each);
    CHECK(stats.failed == 0);
    CHECK(stats.syncs < stats.records);
    const auto records = all_records(tmp.path());
    std::set<std::string> ids;
    for (const auto& record : records) {
      ids.insert(record.id);
    }
    CHECK(records.size() == k_threads * k_each);
    CHECK(ids.size() == k_threads * k_each);
  }

  TEST_CASE("a record is readable as soon as its append returns") {
    TempDir tmp;
    EventStore store(tmp.path());
    GroupCommitWriter writer(store);
    on_threads(4, [&](int t) {
      for (int i = 0; i < 20; ++i) {
        const auto id = std::to_string(t) + "-" + std::to_string(i);
        writer.append(sample_record(id));
        bool found = false;
        scan_store(tmp.path(), [&](const StoreRecord& r) { found = found || r.id == id; });
        CHECK(found);
      }
    });
  }

  TEST_CASE("when a batch cannot be written every append in it fails, and later ones succeed") {
    TempDir tmp;
    const int code = in_child_process([&] {
      std::signal(SIGXFSZ, SIG_IGN);
      EventStore store(tmp.path());
      GroupCommitWriter writer(store);
      writer.append(sample_record("before"));
      rlimit limit{};
      ::getrlimit(RLIMIT_FSIZE, &limit);
      const auto hard = limit.rlim_max;
      const auto size = std::filesystem::file_size(store_log_path(tmp.path()));
      limit.rlim_cur = size + 100;
      ::setrlimit(RLIMIT_FSIZE, &limit);
      std::atomic<int> failures = 0;
      on_threads(4, [&](int t) {
        try {
          // Each larger than the free space.
          writer.append(sample_record("big" + std::to_string(t), std::string(size, 'x')));
        } catch (const Error&) {
          ++failures;
        }
      });
      if (failures != 4 || writer.stats().failed != 4 || writer.stats().records != 1) {
        return 10;
      }
      if (all_records(tmp.path()).size() != 1) {
        return 11;
      }
      limit.rlim_cur = hard;
      ::setrlimit(RLIMIT_FSIZE, &limit);
      writer.append(sample_record("after"));
      return all_records(tmp.path()).size() == 2 ? 0 : 12;
    });
    CHECK(code == 0);
  }
}
