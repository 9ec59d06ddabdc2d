#include "test_helpers.hpp"

#include <chrono>
#include <doctest/doctest.h>
#include <sys/eventfd.h>
#include <thread>

using namespace linkhook;
using namespace linkhook::test;

namespace {

// The ids of the records the follower reads now.
std::vector<std::string> read_ids(StoreFollower& follower) {
  std::vector<std::string> ids;
  follower.read([&](const StoreRecord& record, std::uint64_t) { ids.push_back(record.id); });
  return ids;
}

} // namespace

TEST_SUITE("store/follower") {
  TEST_CASE("the first read visits what the store holds, each later one only what came since") {
    TempDir tmp;
    EventStore store(tmp.path());
    store.append(std::vector{sample_record("a"), sample_record("b")});
    StoreFollower follower(tmp.path());
    CHECK(read_ids(follower) == std::vector<std::string>{"a", "b"});
    CHECK(read_ids(follower).empty());
    store.append(std::vector{sample_record("c")});
    EventStore(tmp.path()).append(std::vector{sample_record("d")}); // another writer
    CHECK(read_ids(follower) == std::vector<std::string>{"c", "d"});
    CHECK(read_ids(follower).empty());
  }

  TEST_CASE("skip_to_end passes what the store holds unread: only later records are read") {
    TempDir tmp;
    StoreFollower follower(tmp.path());
    follower.skip_to_end(); // no store yet: nothing to skip
    EventStore store(tmp.path());
    store.append(std::vector{sample_record("a"), sample_record("b")});
    follower.skip_to_end();
    CHECK(read_ids(follower).empty());
    store.append(std::vector{sample_record("c")});
    CHECK(read_ids(follower) == std::vector<std::string>{"c"});
    store.append(std::vector{sample_record("d")});
    follower.skip_to_end();
    clear_store(tmp.path()); // a new log: read from its start
    EventStore(tmp.path()).append(std::vector{sample_record("e")});
    CHECK(read_ids(follower) == std::vector<std::string>{"e"});
  }

  TEST_CASE("record_at finds a record read by where its frame starts, and nothing elsewhere") {
    TempDir tmp;
    EventStore(tmp.path()).append(std::vector{sample_record("a"), sample_record("b", "{}")});
    StoreFollower follower(tmp.path());
    CHECK_FALSE(follower.record_at(24)); // nothing read yet
    std::vector<std::uint64_t> offsets;
    follower.read([&](const StoreRecord&, std::uint64_t offset) { offsets.push_back(offset); });
    REQUIRE(offsets.size() == 2);
    CHECK(follower.record_at(offsets[1]) == sample_record("b", "{}"));
    CHECK(follower.record_at(offsets[0])->id == "a");
    CHECK_FALSE(follower.record_at(offsets[0] + 1));
    CHECK_FALSE(follower.record_at(0));
    clear_store(tmp.path());
    EventStore(tmp.path()).append(std::vector{sample_record("c")});
    CHECK_FALSE(follower.record_at(offsets[0])); // the log it read is gone
    CHECK(read_ids(follower) == std::vector<std::string>{"c"});
    CHECK(follower.record_at(offsets[0])->id == "c"); // the new log's first frame
    CHECK_FALSE(follower.record_at(offsets[1]));      // beyond what was read of the new log
  }

  TEST_CASE("search visits again the records whose bytes hold the text, oldest first") {
    TempDir tmp;
    EventStore(tmp.path())
        .append(std::vector{sample_record("a", "{\"n\":\"needle\"}"), sample_record("b"),
                            sample_record("c", "needle")});
    StoreFollower follower(tmp.path());
    std::vector<std::string> found;
    const auto search = [&](std::string_view text, std::uint64_t begin = 0,
                            std::uint64_t end = UINT64_MAX) {
      found.clear();
      follower.search(text, begin, end,
                      [&](const StoreRecord& r, std::uint64_t) { found.push_back(r.id); });
      return found;
    };
    CHECK(search("needle").empty()); // nothing read yet
    std::vector<std::uint64_t> offsets;
    follower.read([&](const StoreRecord&, std::uint64_t offset) { offsets.push_back(offset); });
    REQUIRE(offsets.size() == 3);
    CHECK(search("needle") == std::vector<std::string>{"a", "c"});
    CHECK(search("").size() == 3);
    CHECK(search("absent").empty());
    // Within a range of frames: from the second frame on, and up to the third.
    CHECK(search("needle", offsets[1]) == std::vector<std::string>{"c"});
    CHECK(search("needle", 0, offsets[2]) == std::vector<std::string>{"a"});
    CHECK(search("", offsets[1], offsets[2]) == std::vector<std::string>{"b"});
  }

  TEST_CASE("a store that does not exist yet holds nothing until it is made") {
    TempDir tmp;
    StoreFollower follower(tmp / "later");
    CHECK(read_ids(follower).empty());
    CHECK(follower.wait(std::chrono::milliseconds(1))); // nothing to watch yet: a short look
    EventStore(tmp / "later").append(std::vector{sample_record("a")});
    CHECK(read_ids(follower) == std::vector<std::string>{"a"});
  }

  TEST_CASE("after a clear, or a store deleted and made again, it starts over") {
    TempDir tmp;
    EventStore(tmp.path()).append(std::vector{sample_record("a"), sample_record("b")});
    StoreFollower follower(tmp.path());
    CHECK(read_ids(follower).size() == 2);
    clear_store(tmp.path());
    EventStore(tmp.path()).append(std::vector{sample_record("c")});
    CHECK(read_ids(follower) == std::vector<std::string>{"c"});

    std::filesystem::remove_all(tmp.path());
    EventStore(tmp.path()).append(std::vector{sample_record("d"), sample_record("e")});
    CHECK(read_ids(follower) == std::vector<std::string>{"d", "e"});
  }

  TEST_CASE("a wait ends when another process appends, long before its timeout") {
    TempDir tmp;
    EventStore(tmp.path()).append(std::vector{sample_record("a")});
    StoreFollower follower(tmp.path());
    CHECK(read_ids(follower).size() == 1);
    const auto started = std::chrono::steady_clock::now();
    std::jthread writer([&] {
      CHECK(in_child_process([&] {
              EventStore(tmp.path()).append(std::vector{sample_record("b")});
              return 0;
            }) == 0);
    });
    std::vector<std::string> ids;
    while (ids.empty() && std::chrono::steady_clock::now() - started < std::chrono::seconds(60)) {
      CHECK(follower.wait(std::chrono::seconds(60)));
      ids = read_ids(follower);
    }
    // An inotify event ends the wait: without one it would have lasted its 60 s.
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(30));
    CHECK(ids == std::vector<std::string>{"b"});
  }

  TEST_CASE("a wait ends at once, returning false, when its interrupt becomes readable") {
    TempDir tmp;
    EventStore(tmp.path()).append(std::vector{sample_record("a")});
    StoreFollower follower(tmp.path());
    const FileDescriptor interrupt(::eventfd(1, EFD_CLOEXEC));
    CHECK_FALSE(follower.wait(std::chrono::seconds(60), interrupt.get()));
  }
}
