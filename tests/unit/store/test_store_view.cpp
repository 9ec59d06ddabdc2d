#include "store/store_view.hpp"
#include "test_helpers.hpp"

#include <doctest/doctest.h>

using namespace linkhook;
using namespace linkhook::test;

TEST_SUITE("store/store_view") {
  TEST_CASE("the list table pads each column to its widest cell and colours only verdicts") {
    auto rejected = sample_record("msg_long_id");
    rejected.verdict = {.verified = false, .duplicate = false, .status = 401, .reason = "bad"};
    const std::deque<ListRow> rows = {list_row(sample_record("a"), false),
                                      list_row(rejected, false)};
    CHECK(list_table(rows, false) ==
          "TIME                  ID           KIND      EVENT         VERDICT   STATUS\n"
          "2025-10-19T10:30:00Z  a            received  link.clicked  verified  204\n"
          "2025-10-19T10:30:00Z  msg_long_id  received  link.clicked  rejected  401\n");
    const auto colored = list_table(rows, true);
    CHECK(colored.find("\x1b[32mverified  \x1b[0m") != std::string::npos);
    CHECK(colored.find("\x1b[31mrejected  \x1b[0m") != std::string::npos);
    CHECK(colored.find("\x1b[", 0) > colored.find('\n')); // the header is never painted
  }

  TEST_CASE("a row shows '-' for no event or status, and a time out of range in full") {
    auto record = sample_record("x");
    record.event.clear();
    record.verdict.status = 0;
    record.time_ms = -1;
    const auto row = list_row(record, false);
    CHECK(row[0] == "out-of-range:-1ms");
    CHECK(row[3] == "-");
    CHECK(row[5] == "-");
    CHECK(list_row(record, true).size() == 1); // with --json, one line alone
  }

  TEST_CASE("show describes copies, other kinds, and a body that is binary or lacks a newline") {
    FoundRecord found;
    found.record = sample_record("a", "{}");
    found.later_copies = 1;
    found.other_kinds = {"sent", "attempts"};
    const auto text = describe_record(found);
    CHECK(text.find("repeats   1 later record with this id\n") != std::string::npos);
    CHECK(text.find("others    of kind attempts, sent with this id") != std::string::npos);
    CHECK(text.ends_with("body      2 bytes\n{}\n"));
    found.record->body = std::string("\xff\xfe", 2);
    CHECK(describe_record(found).ends_with(
        "body      2 bytes, binary (not UTF-8); --json gives it as base64\n"));
  }
}
