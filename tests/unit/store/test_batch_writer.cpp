#include "base/error.hpp"
#include "store/batch_writer.hpp"
#include "test_helpers.hpp"

#include <atomic>
#include <csignal>
#include <doctest/doctest.h>
#include <map>
#include <semaphore>
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

std::set<std::string> distinct_ids(const std::vector<StoreRecord>& records) {
  std::set<std::string> ids;
  for (const auto& record : records) {
    ids.insert(record.id);
  }
  return ids;
}

// A disk about full, for a batch that cannot be written: after committing a first record,
// the file size limit is lowered to 100 bytes past the log's end (the hard limit stays).
struct FullDisk {
  std::string big_body; // larger than the space left
  rlim_t hard;          // the limit to restore
};

FullDisk fill_disk(BatchWriter& writer, const std::filesystem::path& dir) {
  writer.commit(sample_record("before"));
  const auto size = std::filesystem::file_size(store_log_path(dir));
  std::signal(SIGXFSZ, SIG_IGN);
  rlimit limit{};
  ::getrlimit(RLIMIT_FSIZE, &limit);
  const auto hard = limit.rlim_max;
  limit.rlim_cur = size + 100;
  ::setrlimit(RLIMIT_FSIZE, &limit);
  return {std::string(size, 'x'), hard};
}

void restore_file_size(rlim_t hard) {
  rlimit limit{};
  ::getrlimit(RLIMIT_FSIZE, &limit);
  limit.rlim_cur = hard;
  ::setrlimit(RLIMIT_FSIZE, &limit);
}

} // namespace

TEST_SUITE("store/batch_writer") {
  TEST_CASE("concurrent commits all land exactly once, with far fewer syncs than records") {
    TempDir tmp;
    EventStore store(tmp.path());
    BatchWriter writer(store);
    constexpr int k_threads = 8;
    constexpr int k_each = 500;
    on_threads(k_threads, [&](int t) {
      for (int i = 0; i < k_each; ++i) {
        writer.commit(sample_record(std::to_string(t) + "-" + std::to_string(i)));
      }
    });
    const auto stats = writer.stats();
    CHECK(stats.records == k_threads * k_each);
    CHECK(stats.failed == 0);
    CHECK(stats.syncs < stats.records);
    const auto records = all_records(tmp.path());
    CHECK(records.size() == k_threads * k_each);
    CHECK(distinct_ids(records).size() == k_threads * k_each);
  }

  TEST_CASE("a record is readable as soon as its commit returns") {
    TempDir tmp;
    EventStore store(tmp.path());
    BatchWriter writer(store);
    on_threads(4, [&](int t) {
      for (int i = 0; i < 20; ++i) {
        const auto id = std::to_string(t) + "-" + std::to_string(i);
        writer.commit(sample_record(id));
        bool found = false;
        scan_store(tmp.path(), [&](const StoreRecord& r) { found = found || r.id == id; });
        CHECK(found);
      }
    });
  }

  TEST_CASE("records queued from many threads are all durable once finish returns") {
    TempDir dir;
    EventStore store(dir.path());
    BatchWriter writer(store);
    on_threads(4, [&](int t) {
      for (int i = 0; i < 50; ++i) {
        writer.queue(sample_record("msg_" + std::to_string(t) + "_" + std::to_string(i)));
      }
    });
    writer.finish();
    const auto records = all_records(dir.path());
    CHECK(records.size() == 200);
    CHECK(distinct_ids(records).size() == 200);
    CHECK(writer.stats().records == 200);
  }

  TEST_CASE("a commit returns only once every record queued before it is durable") {
    TempDir dir;
    EventStore store(dir.path());
    BatchWriter writer(store);
    for (int i = 0; i < 10; ++i) {
      writer.queue(sample_record("queued-" + std::to_string(i)));
    }
    writer.commit(sample_record("committed"));
    CHECK(all_records(dir.path()).size() == 11);
  }

  TEST_CASE("committed and queued records from many threads keep each thread's order") {
    TempDir dir;
    EventStore store(dir.path());
    {
      BatchWriter writer(store);
      on_threads(4, [&](int t) {
        for (int i = 0; i < 100; ++i) {
          const auto record = sample_record(std::to_string(t) + "-" + std::to_string(i));
          if ((i + t) % 3 == 0) {
            writer.commit(record);
          } else {
            writer.queue(record);
          }
        }
      });
      writer.finish();
    }
    std::map<std::string, int> last; // thread -> its last record's number seen
    int out_of_order = 0;
    const auto records = all_records(dir.path());
    for (const auto& record : records) {
      const auto dash = record.id.find('-');
      const auto thread = record.id.substr(0, dash);
      const int i = std::stoi(record.id.substr(dash + 1));
      const auto seen = last.find(thread);
      out_of_order += seen != last.end() && seen->second >= i ? 1 : 0;
      last[thread] = i;
    }
    CHECK(records.size() == 400);
    CHECK(out_of_order == 0);
  }

  TEST_CASE("commit_later calls back once its record is durable, many to one sync") {
    TempDir tmp;
    EventStore store(tmp.path());
    BatchWriter writer(store);
    constexpr int k_records = 200;
    std::atomic<int> durable{0};
    std::atomic<int> missing{0};
    std::counting_semaphore<k_records> called(0);
    for (int i = 0; i < k_records; ++i) {
      const auto id = "later-" + std::to_string(i);
      writer.commit_later(sample_record(id), [&, id](const Error* error) {
        bool found = false;
        scan_store(tmp.path(), [&](const StoreRecord& r) { found = found || r.id == id; });
        ++(error == nullptr && found ? durable : missing);
        called.release();
      });
    }
    for (int i = 0; i < k_records; ++i) {
      REQUIRE(called.try_acquire_for(std::chrono::seconds(10)));
    }
    CHECK(durable == k_records);
    CHECK(missing == 0);
    CHECK(writer.stats().syncs < k_records); // the caller did not wait: records gathered
  }

  TEST_CASE("commit_later reports a batch that could not be written to its callback") {
    TempDir tmp;
    const int code = in_child_process([&] {
      EventStore store(tmp.path());
      BatchWriter writer(store);
      const auto full = fill_disk(writer, tmp.path());
      std::binary_semaphore called(0);
      std::string reported;
      writer.commit_later(sample_record("big", full.big_body), [&](const Error* error) {
        reported = error != nullptr ? error->what() : "";
        called.release();
      });
      if (!called.try_acquire_for(std::chrono::seconds(10)) || reported.empty()) {
        return 10;
      }
      restore_file_size(full.hard);
      return all_records(tmp.path()).size() == 1 ? 0 : 11;
    });
    CHECK(code == 0);
  }

  TEST_CASE("when a batch cannot be written every commit in it fails, and later ones succeed") {
    TempDir tmp;
    const int code = in_child_process([&] {
      EventStore store(tmp.path());
      BatchWriter writer(store);
      const auto full = fill_disk(writer, tmp.path());
      std::atomic<int> failures = 0;
      on_threads(4, [&](int t) {
        try {
          // Each larger than the free space.
          writer.commit(sample_record("big" + std::to_string(t), full.big_body));
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
      restore_file_size(full.hard);
      writer.commit(sample_record("after"));
      if (all_records(tmp.path()).size() != 2) {
        return 12;
      }
      // Each commit reported its own failure: finish has nothing more to report.
      writer.finish();
      return 0;
    });
    CHECK(code == 0);
  }

  TEST_CASE("finish reports a batch of queued records that could not be written") {
    TempDir tmp;
    const int code = in_child_process([&] {
      EventStore store(tmp.path());
      BatchWriter writer(store);
      const auto full = fill_disk(writer, tmp.path());
      writer.queue(sample_record("big", full.big_body)); // returns: no one waits
      try {
        writer.finish();
        return 10;
      } catch (const Error&) {
      }
      restore_file_size(full.hard);
      if (writer.stats().failed != 1 || all_records(tmp.path()).size() != 1) {
        return 11;
      }
      return 0;
    });
    CHECK(code == 0);
  }
}
