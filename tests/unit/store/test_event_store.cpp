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

// A store holding three records, returning where the last one starts.
std::uint64_t three_records(const std::filesystem::path& dir) {
  EventStore store(dir);
  const std::vector<StoreRecord> records = {sample_record("a"), sample_record("b"),
                                            sample_record("c", "tail")};
  store.append(records);
  return log_end(dir) - encode_frame(records[2]).size();
}

} // namespace

TEST_SUITE("store/event_store") {
  TEST_CASE("a missing store holds nothing and is not created by reading or clearing") {
    TempDir tmp;
    StoreScan scan;
    CHECK(all_records(tmp / "none", &scan).empty());
    CHECK(scan.records == 0);
    CHECK(clear_store(tmp / "none") == 0);
    CHECK_FALSE(std::filesystem::exists(tmp / "none"));
  }

  TEST_CASE("append creates a private store and keeps every byte, in order") {
    TempDir tmp;
    const auto dir = tmp / "a/b/store";
    auto binary = sample_record("bin", std::string("\0\xff\xfe{not json", 12));
    binary.extra = {{"ms", 12}};
    {
      EventStore store(dir);
      store.append(std::vector{sample_record("one"), binary});
      store.append(std::vector{sample_record("three")});
    }
    struct stat info {};
    REQUIRE(::stat(dir.c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0700);
    REQUIRE(::stat(store_log_path(dir).c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);
    const auto records = all_records(dir);
    REQUIRE(records.size() == 3);
    CHECK(records[0] == sample_record("one"));
    CHECK(records[1] == binary);
    CHECK(records[2].id == "three");
  }

  TEST_CASE("records larger than the read-ahead window round-trip among small ones") {
    TempDir tmp;
    std::string big(3U << 20, '\0');
    for (std::size_t i = 0; i < big.size(); ++i) {
      big[i] = static_cast<char>(i * 7 % 251);
    }
    EventStore(tmp.path())
        .append(std::vector{sample_record("a"), sample_record("big", big), sample_record("c")});
    const auto records = all_records(tmp.path());
    REQUIRE(ids_of(records) == std::vector<std::string>{"a", "big", "c"});
    CHECK(records[1].body == big);
  }

  TEST_CASE("a torn tail cut at any byte of the last record is skipped, then repaired") {
    TempDir tmp;
    const auto last = three_records(tmp / "template");
    // Cut files end before their header's end, as after a crash on a file system that did not
    // keep the free space.
    const auto bytes = log_bytes(tmp / "template");
    for (auto size = last; size < bytes.size(); ++size) {
      CAPTURE(size);
      const auto dir = tmp / ("cut" + std::to_string(size));
      std::filesystem::create_directory(dir);
      write_file(store_log_path(dir), bytes.substr(0, size));
      StoreScan scan;
      CHECK(ids_of(all_records(dir, &scan)) == std::vector<std::string>{"a", "b"});
      CHECK(scan.torn_tail_bytes == size - last);
      CHECK(scan.tail == (size == last ? FrameTail::none : FrameTail::torn));
      CHECK(scan.corrupt_bytes == 0);
      EventStore store(dir);
      store.append(std::vector{sample_record("d")});
      CHECK(store.truncated_bytes() == size - last);
      CHECK(ids_of(all_records(dir, &scan)) == std::vector<std::string>{"a", "b", "d"});
      CHECK(scan.torn_tail_bytes == 0);
    }
  }

  TEST_CASE("a bad CRC in the last record is damage, not a torn tail: a copy is kept") {
    TempDir tmp;
    const auto dir = tmp.path();
    const auto last = three_records(dir);
    auto bytes = read_file(store_log_path(dir));
    const auto end = log_end(dir);
    const auto frame = bytes.substr(last, end - last);
    bytes[end - 1] ^= 0x01;
    write_file(store_log_path(dir), bytes);
    StoreScan scan;
    CHECK(ids_of(all_records(dir, &scan)) == std::vector<std::string>{"a", "b"});
    CHECK(scan.torn_tail_bytes == 0);
    CHECK(scan.damaged_tail_bytes == end - last);
    CHECK(scan.tail == FrameTail::damaged);
    CHECK(scan.tail_offset == last);
    EventStore store(dir);
    store.append(std::vector{sample_record("d")});
    CHECK(store.truncated_bytes() == end - last);
    auto copy = frame;
    copy.back() ^= 0x01;
    CHECK(read_file(damaged_copy_path(dir, last)) == copy);
    CHECK(ids_of(all_records(dir)) == std::vector<std::string>{"a", "b", "d"});
    // Damaged again at the same place: a second copy, the first one kept.
    bytes = read_file(store_log_path(dir));
    bytes[log_end(dir) - 1] ^= 0x01;
    write_file(store_log_path(dir), bytes);
    EventStore(dir).append(std::vector{sample_record("e")});
    CHECK(std::filesystem::exists(damaged_copy_path(dir, last).string() + ".1"));
    CHECK(read_file(damaged_copy_path(dir, last)) == copy);
  }

  TEST_CASE("a torn tail is told apart from damage, and zeros need no copy") {
    TempDir tmp;
    const auto dir = tmp.path();
    const auto last = three_records(dir);
    const auto end = log_end(dir);
    const auto bytes = read_file(store_log_path(dir));
    StoreScan scan;
    // The end moved past frames whose bytes never reached the disk.
    write_file(store_log_path(dir), bytes.substr(0, last) + std::string(end - last, '\0'));
    all_records(dir, &scan);
    CHECK(scan.tail == FrameTail::zeros);
    CHECK(scan.torn_tail_bytes == end - last);
    EventStore(dir).append(std::vector{sample_record("d")});
    CHECK_FALSE(std::filesystem::exists(damaged_copy_path(dir, last)));
    // Garbage that is no frame at all is damage too.
    write_file(store_log_path(dir), bytes.substr(0, last) + std::string(end - last, 'x'));
    all_records(dir, &scan);
    CHECK(scan.tail == FrameTail::damaged);
  }

  TEST_CASE("a bad middle record hides nothing after it") {
    TempDir tmp;
    const auto dir = tmp.path();
    const auto last = three_records(dir);
    auto bytes = log_bytes(dir);
    StoreScan scan;

    bytes[last - 1] ^= 0x01; // damage "b"
    write_file(store_log_path(dir), bytes);
    CHECK(ids_of(all_records(dir, &scan)) == std::vector<std::string>{"a", "c"});
    CHECK(scan.corrupt_bytes == encode_frame(sample_record("b")).size());
    CHECK(scan.torn_tail_bytes == 0);
    EventStore store(dir);
    store.append(std::vector{sample_record("d")});
    CHECK(store.truncated_bytes() == 0);
    CHECK(ids_of(all_records(dir)) == std::vector<std::string>{"a", "c", "d"});
  }

  TEST_CASE("appends fill free space written ahead, so the file's size rarely changes") {
    TempDir tmp;
    EventStore store(tmp.path());
    store.append(std::vector{sample_record("a")});
    const auto size = std::filesystem::file_size(store_log_path(tmp.path()));
    CHECK(size % (1U << 20) == 0);
    CHECK(log_end(tmp.path()) < size);
    for (int i = 0; i < 50; ++i) {
      store.append(std::vector{sample_record("n" + std::to_string(i))});
    }
    CHECK(std::filesystem::file_size(store_log_path(tmp.path())) == size);
    CHECK(all_records(tmp.path()).size() == 51);
    // A record larger than the free space grows the file by whole steps.
    store.append(std::vector{sample_record("big", std::string(size, 'x'))});
    const auto grown = std::filesystem::file_size(store_log_path(tmp.path()));
    CHECK(grown > size);
    CHECK(grown % size == 0);
    CHECK(all_records(tmp.path()).back().id == "big");
  }

  TEST_CASE("an intact frame past the log's end is free space: never read, then overwritten") {
    TempDir tmp;
    EventStore(tmp.path()).append(std::vector{sample_record("a")});
    // A batch written whose new end never reached the disk (a crash before the sync).
    auto bytes = read_file(store_log_path(tmp.path()));
    const auto lost = encode_frame(sample_record("lost"));
    bytes.replace(log_end(tmp.path()), lost.size(), lost);
    write_file(store_log_path(tmp.path()), bytes);
    StoreScan scan;
    CHECK(ids_of(all_records(tmp.path(), &scan)) == std::vector<std::string>{"a"});
    CHECK(scan.torn_tail_bytes + scan.corrupt_bytes == 0);
    EventStore store(tmp.path());
    store.append(std::vector{sample_record("b")});
    CHECK(store.truncated_bytes() == 0);
    CHECK(ids_of(all_records(tmp.path())) == std::vector<std::string>{"a", "b"});
  }

  TEST_CASE("a log of format 1 is read to the end of the file, and its next append converts it") {
    TempDir tmp;
    // Format 1: magic, format u32 1, 4 reserved bytes, generation; the log ends with the file.
    std::string bytes("LHKSTORE\1\0\0\0\0\0\0\0\7\0\0\0\0\0\0\0", 24);
    bytes += encode_frame(sample_record("a")) + encode_frame(sample_record("b"));
    bytes += encode_frame(sample_record("torn")).substr(0, 30);
    write_file(store_log_path(tmp.path()), bytes);
    StoreScan scan;
    CHECK(ids_of(all_records(tmp.path(), &scan)) == std::vector<std::string>{"a", "b"});
    CHECK(scan.torn_tail_bytes == 30);
    EventStore store(tmp.path());
    store.append(std::vector{sample_record("c")});
    CHECK(store.truncated_bytes() == 30);
    CHECK(read_file(store_log_path(tmp.path()))[8] == 2);
    CHECK(ids_of(all_records(tmp.path(), &scan)) == std::vector<std::string>{"a", "b", "c"});
    CHECK(scan.torn_tail_bytes == 0);
  }

  TEST_CASE("a store of a newer format is an error, not an empty store") {
    TempDir tmp;
    write_file(store_log_path(tmp.path()),
               std::string("LHKSTORE\3\0\30\0\0\0\0\0\7\0\0\0\0\0\0\0", 24));
    CHECK_THROWS_WITH_AS(all_records(tmp.path()), doctest::Contains("format 3"), Error);
    CHECK_THROWS_AS(EventStore(tmp.path()), Error);
  }

  TEST_CASE("frames of a newer format are skipped by readers and kept by writers") {
    TempDir tmp;
    EventStore store(tmp.path());
    std::string frames = encode_frame(sample_record("old"));
    append_frame(frames, "a record of format 2", 2);
    store.append_frames(frames);
    store.append(std::vector{sample_record("new")});
    StoreScan scan;
    CHECK(ids_of(all_records(tmp.path(), &scan)) == std::vector<std::string>{"old", "new"});
    CHECK(scan.skipped_records == 1);
    CHECK(store.truncated_bytes() == 0);
  }

  TEST_CASE("clear empties the store, and a writer opened before it starts over cleanly") {
    TempDir tmp;
    EventStore store(tmp.path());
    store.append(std::vector{sample_record("a"), sample_record("b"), sample_record("c")});
    CHECK(clear_store(tmp.path()) == 3);
    CHECK(all_records(tmp.path()).empty());
    store.append(std::vector{sample_record("d")});
    CHECK(ids_of(all_records(tmp.path())) == std::vector<std::string>{"d"});
    CHECK(clear_store(tmp.path()) == 1);
  }

  TEST_CASE("a store removed under a writer is created again, not written into the void") {
    TempDir tmp;
    EventStore store(tmp / "s");
    store.append(std::vector{sample_record("a")});
    std::filesystem::remove_all(tmp / "s");
    store.append(std::vector{sample_record("b")});
    CHECK(ids_of(all_records(tmp / "s")) == std::vector<std::string>{"b"});
  }

  TEST_CASE("a file that is not a store is an error, not an empty store") {
    TempDir tmp;
    write_file(store_log_path(tmp.path()), "this is somebody else's file, not ours");
    CHECK_THROWS_AS(all_records(tmp.path()), Error);
    CHECK_THROWS_AS(EventStore(tmp.path()), Error);
  }
}
