#include "listen/recent_ids.hpp"

#include <algorithm>
#include <deque>
#include <doctest/doctest.h>
#include <string>

using namespace linkhook;

TEST_SUITE("listen/recent_ids") {
  TEST_CASE("a repeated id is a duplicate until it is forgotten") {
    RecentIds ids(3);
    CHECK(ids.insert("a"));
    CHECK_FALSE(ids.insert("a"));
    CHECK(ids.insert("b"));
    CHECK(ids.insert("c"));
    CHECK(ids.insert("d")); // "a" is the oldest of four: forgotten
    CHECK(ids.size() == 3);
    CHECK(ids.insert("a"));
    CHECK_FALSE(ids.insert("d"));
  }

  TEST_CASE("an erased id can be recorded again and keeps its new place") {
    RecentIds ids(2);
    CHECK(ids.insert("a"));
    ids.erase("a");
    CHECK(ids.insert("b"));
    CHECK(ids.insert("a")); // recorded anew, after "b"
    CHECK(ids.insert("c")); // evicts the stale "a" entry, then "b"; the new "a" stays
    CHECK_FALSE(ids.insert("a"));
    CHECK(ids.size() == 2);
  }

  TEST_CASE("memory stays bounded over many ids") {
    RecentIds ids(1000);
    for (int i = 0; i < 100000; ++i) {
      ids.insert("msg_" + std::to_string(i));
    }
    CHECK(ids.size() == 1000);
    CHECK_FALSE(ids.insert("msg_99999"));
    CHECK(ids.insert("msg_0"));
  }

  TEST_CASE("under random inserts and erasures it agrees with a plain model of its rule") {
    // The model: a list of the last `capacity` insertions, where an erased id is dead.
    constexpr std::size_t k_capacity = 50;
    RecentIds ids(k_capacity);
    std::deque<std::pair<std::string, bool>> model; // id, live
    const auto live = [&](const std::string& id) {
      return std::any_of(model.begin(), model.end(),
                         [&](const auto& entry) { return entry.second && entry.first == id; });
    };
    std::uint64_t state = 12345;
    const auto next = [&state] { // xorshift: the same sequence every run
      state ^= state << 13;
      state ^= state >> 7;
      state ^= state << 17;
      return state;
    };
    for (int step = 0; step < 20000; ++step) {
      const auto id = "msg_" + std::to_string(next() % 120); // collisions and repeats
      if (next() % 4 == 0) {
        ids.erase(id);
        for (auto& entry : model) {
          entry.second = entry.second && entry.first != id;
        }
      } else {
        const bool fresh = !live(id);
        REQUIRE(ids.insert(id) == fresh);
        if (fresh) {
          model.emplace_back(id, true);
          if (model.size() > k_capacity) {
            model.pop_front();
          }
        }
      }
      const auto model_size = static_cast<std::size_t>(
          std::count_if(model.begin(), model.end(), [](const auto& e) { return e.second; }));
      REQUIRE(ids.size() == model_size);
      REQUIRE(ids.contains(id) == live(id));
    }
  }
}
