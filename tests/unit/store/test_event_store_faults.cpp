// The event store under faults: two writing processes, a writer killed at any moment, a full
// disk.
#include "base/error.hpp"
#include "store/batch_writer.hpp"
#include "store/frame.hpp"
#include "test_helpers.hpp"

#include <csignal>
#include <doctest/doctest.h>
#include <set>
#include <sys/resource.h>
#include <sys/stat.h>
#include <thread>

using namespace linkhook;
using namespace linkhook::test;

namespace {

// The body the two-process test writes for record number `i` of writer `who`.
std::string body_for(char who, int i) {
  return std::string(50 + static_cast<std::size_t>(i % 7), who);
}

} // namespace

TEST_SUITE("store/event_store") {
  TEST_CASE("two processes appending at once leave every record intact") {
    TempDir tmp;
    constexpr int k_threads = 4;
    constexpr int k_each = 200;
    // Each process appends from several threads through its own group-commit writer.
    const auto writer = [&](char who) {
      return [&, who] {
        EventStore store(tmp.path());
        BatchWriter commit(store);
        std::vector<std::thread> threads;
        for (int t = 0; t < k_threads; ++t) {
          threads.emplace_back([&, t] {
            for (int i = t * k_each; i < (t + 1) * k_each; ++i) {
              commit.commit(sample_record(who + std::to_string(i), body_for(who, i)));
            }
          });
        }
        for (auto& thread : threads) {
          thread.join();
        }
        return 0;
      };
    };
    constexpr int k_records = k_threads * k_each;
    const pid_t first = ::fork();
    if (first == 0) {
      ::_exit(writer('p')());
    }
    CHECK(in_child_process(writer('q')) == 0);
    int status = 0;
    ::waitpid(first, &status, 0);
    CHECK(status == 0);
    StoreScan scan;
    const auto records = all_records(tmp.path(), &scan);
    CHECK(records.size() == 2 * k_records);
    CHECK(scan.torn_tail_bytes + scan.corrupt_bytes == 0);
    std::set<std::string> ids;
    for (const auto& record : records) {
      ids.insert(record.id);
      const auto i = std::stoi(record.id.substr(1));
      CHECK(record.body == body_for(record.id[0], i));
    }
    CHECK(ids.size() == 2 * k_records);
  }

  TEST_CASE("a writer killed at any moment loses no acknowledged record") {
    for (int round = 0; round < 3; ++round) {
      TempDir tmp;
      int acks[2];
      REQUIRE(::pipe(acks) == 0);
      const pid_t child = ::fork();
      if (child == 0) {
        ::close(acks[0]);
        EventStore store(tmp.path());
        BatchWriter commit(store);
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t) {
          threads.emplace_back([&, t] {
            for (int i = 0;; ++i) {
              const auto id = std::to_string(t) + "-" + std::to_string(i) + "\n";
              commit.commit(sample_record(id.substr(0, id.size() - 1), std::string(300, 'x')));
              // Acknowledged only now, as a listener would answer 2xx only now.
              if (::write(acks[1], id.data(), id.size()) < 0) {
                ::_exit(1);
              }
            }
          });
        }
        for (auto& thread : threads) {
          thread.join();
        }
        ::_exit(0);
      }
      ::close(acks[1]);
      std::string acked;
      char buffer[4096];
      bool killed = false;
      for (ssize_t n; (n = ::read(acks[0], buffer, sizeof buffer)) > 0;) {
        acked.append(buffer, static_cast<std::size_t>(n));
        if (!killed && acked.size() > static_cast<std::size_t>(2000 + round * 1500)) {
          ::kill(child, SIGKILL); // somewhere in the middle of a batch, or between two
          killed = true;
        }
      }
      ::close(acks[0]);
      ::waitpid(child, nullptr, 0);
      std::set<std::string> stored;
      for (const auto& record : all_records(tmp.path())) {
        stored.insert(record.id);
      }
      std::size_t lost = 0;
      for (std::size_t start = 0, end; (end = acked.find('\n', start)) != std::string::npos;
           start = end + 1) {
        lost += stored.count(acked.substr(start, end - start)) == 0 ? 1U : 0U;
      }
      CHECK(lost == 0);
      EventStore(tmp.path()).append(std::vector{sample_record("after")});
      StoreScan scan;
      CHECK(all_records(tmp.path(), &scan).back().id == "after");
      CHECK(scan.torn_tail_bytes + scan.corrupt_bytes == 0);
    }
  }

  TEST_CASE("a full disk fails the append, keeps what was stored, and passes when space returns") {
    TempDir tmp;
    const int code = in_child_process([&] {
      std::signal(SIGXFSZ, SIG_IGN); // a write past the limit then fails with EFBIG
      EventStore store(tmp.path());
      store.append(std::vector{sample_record("a"), sample_record("b")});
      const auto size = std::filesystem::file_size(store_log_path(tmp.path()));
      rlimit limit{};
      ::getrlimit(RLIMIT_FSIZE, &limit);
      const auto hard = limit.rlim_max;
      limit.rlim_cur = size + 100; // room for part of the next batch only
      ::setrlimit(RLIMIT_FSIZE, &limit);
      const std::string big(size, 'x'); // larger than the free space
      try {
        store.append(std::vector{sample_record("big", big)});
        return 10;
      } catch (const Error&) {
      }
      if (std::filesystem::file_size(store_log_path(tmp.path())) != size) {
        return 11;
      }
      if (ids_of(all_records(tmp.path())) != std::vector<std::string>{"a", "b"}) {
        return 12;
      }
      limit.rlim_cur = hard;
      ::setrlimit(RLIMIT_FSIZE, &limit);
      store.append(std::vector{sample_record("c", big)});
      return ids_of(all_records(tmp.path())) == std::vector<std::string>{"a", "b", "c"} ? 0 : 13;
    });
    CHECK(code == 0);
  }
}
