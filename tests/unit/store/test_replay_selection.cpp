#include "base/error.hpp"
#include "store/replay_selection.hpp"
#include "test_helpers.hpp"

#include <doctest/doctest.h>

using namespace linkhook;
using namespace linkhook::test;

namespace {

// A store of `count` received records "e0", "e1", ... whose bodies are 100 bytes each.
void fill(const std::filesystem::path& dir, int count) {
  std::vector<StoreRecord> records;
  for (int i = 0; i < count; ++i) {
    auto body = "{\"event\":\"link.clicked\",\"n\":" + std::to_string(i) + "}";
    body.resize(100, ' ');
    records.push_back(sample_record("e" + std::to_string(i), body));
  }
  EventStore(dir).append(records);
}

} // namespace

TEST_SUITE("store/replay_selection") {
  TEST_CASE("bodies are held up to the budget, and the rest read back where the scan found them") {
    TempDir tmp;
    const auto dir = tmp / "store";
    fill(dir, 10);
    ReplaySelection selection;
    selection.held_bodies_bytes = 350; // three bodies of 100 bytes
    StoreScan scan;
    const auto events = select_replay_events(dir, selection, scan);
    REQUIRE(events.size() == 10);
    const StoreReader reader(dir, scan);
    for (std::size_t i = 0; i < events.size(); ++i) {
      CAPTURE(i);
      const auto& event = events[i];
      CHECK(event.id == "e" + std::to_string(i));
      CHECK(event.event == "link.clicked");
      const auto expected = "{\"event\":\"link.clicked\",\"n\":" + std::to_string(i) + "}";
      if (i < 3) {
        CHECK(event.offset == 0);
        CHECK(event.body.starts_with(expected));
        continue;
      }
      CHECK(event.offset > 0);
      CHECK(event.body.empty());
      const auto record = reader.at(event.offset);
      REQUIRE(record.has_value());
      CHECK(record->id == event.id);
      CHECK(record->body.starts_with(expected));
    }
    // Once the store is cleared, the reader finds nothing where the scan found the records.
    clear_store(dir);
    fill(dir, 10);
    CHECK_FALSE(reader.at(events[5].offset).has_value());
  }

  TEST_CASE("the default budget holds a store's worth of small bodies") {
    TempDir tmp;
    const auto dir = tmp / "store";
    fill(dir, 50);
    StoreScan scan;
    const auto events = select_replay_events(dir, ReplaySelection{}, scan);
    REQUIRE(events.size() == 50);
    for (const auto& event : events) {
      CHECK(event.offset == 0);
      CHECK(event.body.size() == 100);
    }
  }

  TEST_CASE(
      "ids select exactly those, in the order given, once each, and an id not stored is named") {
    TempDir tmp;
    const auto dir = tmp / "store";
    fill(dir, 5);
    ReplaySelection selection;
    selection.ids = {"e3", "e1", "e3"};
    StoreScan scan;
    const auto events = select_replay_events(dir, selection, scan);
    REQUIRE(events.size() == 2);
    CHECK(events[0].id == "e3");
    CHECK(events[1].id == "e1");
    CHECK(events[0].offset == 0);
    selection.ids = {"e9x"};
    CHECK_THROWS_WITH_AS(select_replay_events(dir, selection, scan),
                         doctest::Contains("no stored event with id 'e9x'"), Error);
  }
}
