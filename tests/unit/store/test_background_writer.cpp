#include "store/background_writer.hpp"
#include "test_helpers.hpp"

#include <doctest/doctest.h>
#include <set>
#include <thread>

using namespace linkhook;
using namespace linkhook::test;

TEST_SUITE("store/background_writer") {
  TEST_CASE("records appended from many threads are all durable once finish returns") {
    TempDir dir;
    EventStore store(dir.path());
    BackgroundWriter writer(store);
    {
      std::vector<std::jthread> threads;
      for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&writer, t] {
          for (int i = 0; i < 50; ++i) {
            writer.append(sample_record("msg_" + std::to_string(t) + "_" + std::to_string(i)));
          }
        });
      }
    }
    writer.finish();
    const auto records = all_records(dir.path());
    std::set<std::string> ids;
    for (const auto& record : records) {
      ids.insert(record.id);
    }
    CHECK(records.size() == 200);
    CHECK(ids.size() == 200);
  }
}
