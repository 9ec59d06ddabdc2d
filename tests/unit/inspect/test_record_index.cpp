#include "../store/test_helpers.hpp"
#include "inspect/record_index.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

using namespace linkhook;
using namespace linkhook::test;

namespace {

// The ids of a page's records, newest first.
std::vector<std::string> ids(const DeliveryPage& page) {
  std::vector<std::string> out;
  for (const auto& indexed : page.records) {
    out.push_back(indexed.record.id);
  }
  return out;
}

// Every page of `query`, followed by its cursor: the ids in order.
std::vector<std::string> all_pages(RecordIndex& index, DeliveryQuery query) {
  std::vector<std::string> out;
  for (int pages = 0; pages < 1000; ++pages) {
    const auto page = index.page(query);
    const auto some = ids(page);
    out.insert(out.end(), some.begin(), some.end());
    if (!page.next) {
      break;
    }
    query.before = page.next;
  }
  return out;
}

} // namespace

TEST_SUITE("inspect/record index") {
  TEST_CASE("a search reads the log backwards a window at a time and pages newest first") {
    // 60 records of 200 KB: the log spans several of the search's 4 MiB windows.
    TempDir tmp;
    std::vector<StoreRecord> records;
    std::vector<std::string> needles; // newest first
    for (int i = 0; i < 60; ++i) {
      const auto id = fmt::format("r{:02}", i);
      const bool needle = i % 3 == 0;
      records.push_back(
          sample_record(id, std::string(200 * 1024, 'x') + (needle ? "needle" : "straw")));
      records.back().kind = i % 2 == 0 ? RecordKind::received : RecordKind::sent;
      if (needle) {
        needles.insert(needles.begin(), id);
      }
    }
    EventStore(tmp.path()).append(records);
    RecordIndex index(tmp.path());

    DeliveryQuery query;
    query.text = "needle";
    query.limit = 7;
    const auto first = index.page(query);
    CHECK(ids(first) == std::vector<std::string>(needles.begin(), needles.begin() + 7));
    REQUIRE(first.next);
    CHECK(all_pages(index, query) == needles);
    query.limit = 500;
    CHECK(all_pages(index, query) == needles); // one page

    query.limit = 4;
    query.kind = RecordKind::sent; // odd i among the needles: i = 3, 9, 15...
    std::vector<std::string> sent;
    for (const auto& id : needles) {
      if (std::stoi(id.substr(1)) % 2 == 1) {
        sent.push_back(id);
      }
    }
    CHECK(all_pages(index, query) == sent);
    query.text = "absent";
    CHECK(index.page(query).records.empty());
  }

  TEST_CASE("a listing pages newest first with filters, and sees records appended since") {
    TempDir tmp;
    EventStore store(tmp.path());
    store.append(std::vector{sample_record("a"), sample_record("b"), sample_record("c")});
    RecordIndex index(tmp.path());
    DeliveryQuery query;
    query.limit = 2;
    CHECK(all_pages(index, query) == std::vector<std::string>{"c", "b", "a"});
    auto rejected = sample_record("d");
    rejected.verdict.verified = false;
    rejected.verdict.status = 401;
    store.append(std::vector{rejected, sample_record("e")});
    CHECK(all_pages(index, query) == std::vector<std::string>{"e", "d", "c", "b", "a"});
    query.verified = false;
    CHECK(all_pages(index, query) == std::vector<std::string>{"d"});
    query.verified.reset();
    query.status = 204;
    CHECK(all_pages(index, query) == std::vector<std::string>{"e", "c", "b", "a"});
    query.event = "qr.*";
    CHECK(all_pages(index, query).empty());
  }
}

TEST_SUITE("inspect/summary") {
  TEST_CASE("the summary text is the JSON a JSON library writes, whatever bytes its fields hold") {
    for (const std::string& text :
         {std::string("plain"), std::string("quote \" backslash \\ slash /"),
          std::string("controls \b\f\n\r\t \x01 \x1f \x7f"), std::string("ünïcødé ✓ 🎉"),
          std::string("not UTF-8: \xff\xfe \xc3"), std::string("<script>alert(1)</script>"),
          std::string()}) {
      CAPTURE(text);
      auto record = sample_record(text);
      record.event = text;
      record.verdict.reason = text;
      record.kind = RecordKind::attempts;
      record.time_ms = 1760869800123;
      const nlohmann::ordered_json expected{
          {"record_id", "123456"}, {"id", text},
          {"event", text},         {"kind", "attempt"},
          {"status", 204},         {"verified", true},
          {"reason", text},        {"at", "2025-10-19T10:30:00.123Z"}};
      CHECK(delivery_summary_text(123456, record) ==
            expected.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
  }
}
