#include "listen/recent_ids.hpp"

#include <doctest/doctest.h>

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
}
