#include "store/frame.hpp"
#include "store/store_index.hpp"
#include "test_helpers.hpp"

#include <algorithm>
#include <doctest/doctest.h>

using namespace linkhook;
using namespace linkhook::test;

namespace {

// The ids scan_store_newest_first visits in `dir`, up to `limit` of them.
std::vector<std::string> newest_ids(const std::filesystem::path& dir, std::size_t limit = SIZE_MAX,
                                    StoreScan* scan = nullptr) {
  std::vector<std::string> ids;
  const auto result = scan_store_newest_first(dir, [&](const StoreRecord& record) {
    ids.push_back(record.id);
    return ids.size() < limit;
  });
  if (scan != nullptr) {
    *scan = result;
  }
  return ids;
}

// The ids scan_store visits, newest first.
std::vector<std::string> reversed_ids(const std::filesystem::path& dir) {
  auto ids = ids_of(all_records(dir));
  std::reverse(ids.begin(), ids.end());
  return ids;
}

// A store of `count` records, "r0" to "r<count - 1>", appended `batch_size` at a time.
void fill(const std::filesystem::path& dir, int count, std::size_t batch_size = 7) {
  EventStore store(dir);
  std::vector<StoreRecord> batch;
  for (int i = 0; i < count; ++i) {
    batch.push_back(sample_record("r" + std::to_string(i)));
    if (batch.size() == batch_size || i + 1 == count) {
      store.append(batch);
      batch.clear();
    }
  }
}

std::uint64_t index_entries(const std::filesystem::path& dir) {
  return (std::filesystem::file_size(store_index_path(dir)) - 16) / 8;
}

} // namespace

TEST_SUITE("store/index") {
  TEST_CASE("the newest records come first, and the visit stops when told") {
    TempDir tmp;
    CHECK(newest_ids(tmp / "none").empty());
    fill(tmp.path(), 50);
    CHECK(index_entries(tmp.path()) == 50);
    CHECK(newest_ids(tmp.path(), 3) == std::vector<std::string>{"r49", "r48", "r47"});
    CHECK(newest_ids(tmp.path()) == reversed_ids(tmp.path()));
  }

  TEST_CASE("a missing index is read around, and the next writer writes it again") {
    TempDir tmp;
    fill(tmp.path(), 30);
    std::filesystem::remove(store_index_path(tmp.path()));
    CHECK(newest_ids(tmp.path(), 2) == std::vector<std::string>{"r29", "r28"});
    CHECK(newest_ids(tmp.path()) == reversed_ids(tmp.path()));
    EventStore(tmp.path()).append(std::vector{sample_record("new")});
    CHECK(index_entries(tmp.path()) == 31);
    CHECK(newest_ids(tmp.path(), 2) == std::vector<std::string>{"new", "r29"});
  }

  TEST_CASE("records the index does not list yet are read from the log, and a writer lists them") {
    TempDir tmp;
    fill(tmp.path(), 20);
    const auto index = read_file(store_index_path(tmp.path()));
    write_file(store_index_path(tmp.path()), index.substr(0, index.size() - 5 * 8));
    CHECK(newest_ids(tmp.path()) == reversed_ids(tmp.path()));
    EventStore(tmp.path()).append(std::vector{sample_record("x")});
    CHECK(index_entries(tmp.path()) == 21);
    CHECK(newest_ids(tmp.path(), 1) == std::vector<std::string>{"x"});
  }

  TEST_CASE("an index that points anywhere else gives no record that is not in the log") {
    TempDir tmp;
    fill(tmp.path(), 40);
    auto expected = reversed_ids(tmp.path());
    const auto good = read_file(store_index_path(tmp.path()));
    const auto entry = [&](std::size_t i) { return 16 + 8 * i; };
    // Whether a writer can tell: it looks at the index's header and last entry only.
    bool out_of_step = true;
    SUBCASE("an entry moved by a byte") {
      out_of_step = false;
      auto bad = good;
      bad[entry(10)] = static_cast<char>(bad[entry(10)] + 1);
      write_file(store_index_path(tmp.path()), bad);
    }
    SUBCASE("two entries swapped") {
      out_of_step = false;
      auto bad = good;
      std::swap_ranges(bad.begin() + static_cast<long>(entry(3)),
                       bad.begin() + static_cast<long>(entry(4)),
                       bad.begin() + static_cast<long>(entry(30)));
      write_file(store_index_path(tmp.path()), bad);
    }
    SUBCASE("entries past the log's end") {
      write_file(store_index_path(tmp.path()), good + std::string(64, '\x7f'));
    }
    SUBCASE("half an entry") {
      write_file(store_index_path(tmp.path()), good.substr(0, good.size() - 3));
    }
    SUBCASE("zeros") {
      write_file(store_index_path(tmp.path()), good.substr(0, 16) + std::string(good.size(), '\0'));
    }
    SUBCASE("not an index") {
      write_file(store_index_path(tmp.path()), "garbage");
    }
    CHECK(newest_ids(tmp.path()) == expected);
    EventStore(tmp.path()).append(std::vector{sample_record("y")});
    expected.insert(expected.begin(), "y");
    CHECK(newest_ids(tmp.path()) == expected);
    if (out_of_step) {
      CHECK(read_file(store_index_path(tmp.path())).substr(0, good.size()) == good);
      CHECK(index_entries(tmp.path()) == 41);
    }
  }

  TEST_CASE("a long index is read a part at a time, and a wrong entry deep in it costs nothing") {
    TempDir tmp;
    fill(tmp.path(), 20000, 2500);
    CHECK(index_entries(tmp.path()) == 20000);
    const auto expected = reversed_ids(tmp.path());
    CHECK(newest_ids(tmp.path()) == expected);
    auto index = read_file(store_index_path(tmp.path()));
    index[16 + 8 * 3000] ^= 0x10;
    write_file(store_index_path(tmp.path()), index);
    StoreScan scan;
    CHECK(newest_ids(tmp.path(), SIZE_MAX, &scan) == expected);
    CHECK(scan.corrupt_bytes == 0);
  }

  TEST_CASE("a body holding a whole frame of its own is read as the body it is") {
    TempDir tmp;
    auto fake = sample_record("fake");
    {
      EventStore store(tmp.path());
      store.append(std::vector{sample_record("a")});
      // A frame inside a body that ends it, so that the fake frame ends near the real one's end.
      store.append(std::vector{sample_record("b", encode_frame(fake))});
    }
    CHECK(newest_ids(tmp.path()) == std::vector<std::string>{"b", "a"});
    std::filesystem::remove(store_index_path(tmp.path()));
    CHECK(newest_ids(tmp.path()) == std::vector<std::string>{"b", "a"});
  }

  TEST_CASE("a damaged middle record is skipped, counted, and hides nothing before it") {
    TempDir tmp;
    fill(tmp.path(), 10);
    auto bytes = log_bytes(tmp.path());
    const auto at = bytes.find("r5");
    REQUIRE(at != std::string::npos);
    bytes[at] ^= 0x01;
    write_file(store_log_path(tmp.path()), bytes);
    StoreScan scan;
    CHECK(newest_ids(tmp.path(), SIZE_MAX, &scan) ==
          std::vector<std::string>{"r9", "r8", "r7", "r6", "r4", "r3", "r2", "r1", "r0"});
    CHECK(scan.corrupt_bytes == encode_frame(sample_record("r5")).size());
  }

  TEST_CASE("a reader reads records again where a scan found them, and none once cleared") {
    TempDir tmp;
    fill(tmp.path(), 5);
    std::vector<std::uint64_t> offsets;
    const auto scan = scan_store_located(
        tmp.path(), [&](const StoreRecord&, std::uint64_t offset) { offsets.push_back(offset); });
    REQUIRE(offsets.size() == 5);
    const StoreReader reader(tmp.path(), scan);
    CHECK(reader.at(offsets[3])->id == "r3");
    CHECK_FALSE(reader.at(offsets[3] + 1));
    EventStore(tmp.path()).append(std::vector{sample_record("later")});
    CHECK(reader.at(offsets[0])->id == "r0"); // appends change nothing of what was scanned
    clear_store(tmp.path());
    fill(tmp.path(), 5);
    CHECK_FALSE(reader.at(offsets[3])); // the same offset, but another log
  }

  TEST_CASE("writers that take turns keep one index in step, and clear removes it") {
    TempDir tmp;
    EventStore first(tmp.path());
    EventStore second(tmp.path());
    for (int i = 0; i < 10; ++i) {
      (i % 3 == 0 ? second : first).append(std::vector{sample_record("t" + std::to_string(i))});
    }
    CHECK(index_entries(tmp.path()) == 10);
    CHECK(newest_ids(tmp.path(), 2) == std::vector<std::string>{"t9", "t8"});
    CHECK(clear_store(tmp.path()) == 10);
    CHECK_FALSE(std::filesystem::exists(store_index_path(tmp.path())));
    first.append(std::vector{sample_record("after")});
    CHECK(index_entries(tmp.path()) == 1);
    CHECK(newest_ids(tmp.path()) == std::vector<std::string>{"after"});
  }
}
