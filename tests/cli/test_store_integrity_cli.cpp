// The store's integrity from the command line: imports that are refused or repeated, a torn or
// damaged log, times out of range, a --store that is not a directory.
#include "listener_fixture.hpp"
#include "store_helpers.hpp"

using namespace linkhook::test;

TEST_SUITE("cli.store") {
  TEST_CASE("a malformed import line is a usage error naming the line, and nothing is stored") {
    const TempDir tmp;
    const auto dir = (tmp / "store").string();
    const auto r = run_linkhook({"store", "import", "-", "--store", dir},
                                lines_of(k_records)[0] + "\n{\"id\":\"x\",\"kind\":\"lost\"}\n");
    check_usage_error(r, "line 2: record field 'kind'");
    CHECK(run_linkhook({"store", "list", "--store", dir, "--json"}).out.empty());
    check_usage_error(
        run_linkhook({"store", "import", (tmp / "nope.ndjson").string(), "--store", dir}),
        "cannot read");
  }

  TEST_CASE("a torn tail left by a crash is skipped with a note, and the next write keeps a copy") {
    const FilledStore s;
    // A frame whose write was cut short, at the log's end, and the end in the header moved past
    // it: what a crash in the middle of an append can leave.
    const auto end = log_end(s.dir);
    const std::string torn("LHKr\x01\x00\x00\x00\xff", 9);
    {
      std::fstream log(s.dir + "/events.log", std::ios::binary | std::ios::in | std::ios::out);
      log.seekp(static_cast<std::streamoff>(end));
      log << torn;
    }
    set_log_end(s.dir, end + torn.size());
    auto r = s.store({"list", "--json"});
    CHECK(r.exit_code == 0);
    CHECK(lines_of(r.out).size() == 3);
    CHECK_MESSAGE(r.err.find("skipped 9 bytes of an incomplete last record") != std::string::npos,
                  r.err);
    const auto copy = damaged_copy(s.dir, end);
    CHECK(r.err.find("keeps a copy in " + copy) != std::string::npos);
    CHECK(s.store({"import", "-"}).exit_code == 0); // empty input: nothing to append
    CHECK(run_linkhook({"store", "import", "-", "--store", s.dir}, k_sent_record).exit_code == 0);
    CHECK(read_bytes(copy) == torn);
    r = s.store({"list", "--json"});
    CHECK(lines_of(r.out).size() == 4);
    CHECK(r.err.empty());
  }

  TEST_CASE("a damaged last record is a warning, not a torn tail, and is copied before reuse") {
    const FilledStore s;
    const auto end = log_end(s.dir);
    auto log = read_bytes(s.dir + "/events.log");
    const auto last_frame = log.rfind("LHKr", end - 1); // the third record's frame
    log[end - 1] = '['; // its body "{}" becomes "{[": the frame is complete, its CRC fails
    std::ofstream(s.dir + "/events.log", std::ios::binary | std::ios::trunc) << log;
    auto r = s.store({"list", "--json"});
    CHECK(r.exit_code == 0);
    CHECK(lines_of(r.out).size() == 2);
    CHECK(r.err.find("incomplete") == std::string::npos);
    CHECK_MESSAGE(r.err.find("warning: the last record in " + s.dir + "/events.log is DAMAGED") !=
                      std::string::npos,
                  r.err);
    CHECK(r.err.find("may have been acknowledged") != std::string::npos);
    r = run_linkhook({"store", "import", "-", "--store", s.dir}, k_sent_record);
    CHECK(r.exit_code == 0);
    const auto copy = damaged_copy(s.dir, last_frame);
    CHECK_MESSAGE(r.err.find("is damaged") != std::string::npos, r.err);
    CHECK(r.err.find("copied to " + copy) != std::string::npos);
    CHECK(read_bytes(copy) == log.substr(last_frame, end - last_frame));
    CHECK(lines_of(s.store({"list", "--json"}).out).size() == 3);
  }

  TEST_CASE("store import is idempotent: what the store already holds is not stored again") {
    const FilledStore s; // imported k_records once
    auto r = run_linkhook({"store", "import", "-", "--store", s.dir, "--json"}, k_records);
    CHECK(r.exit_code == 0);
    CHECK(nlohmann::json::parse(r.out) == nlohmann::json{{"imported", 0}, {"already_stored", 3}});
    r = run_linkhook({"store", "import", "-", "--store", s.dir}, k_records + k_sent_record);
    CHECK(r.out == "imported 1 record into " + s.dir + ", 3 already stored\n");
    const auto exported = s.store({"export"}).out;
    CHECK(exported.starts_with(k_records));
    CHECK(lines_of(exported).size() == 4);
    // Identical records are counted: an input holding one twice stores it twice, once.
    const TempDir tmp;
    const auto dir = (tmp / "twice").string();
    const auto twice = k_sent_record + k_sent_record;
    CHECK(run_linkhook({"store", "import", "-", "--store", dir}, twice).out ==
          "imported 2 records into " + dir + ", 0 already stored\n");
    CHECK(run_linkhook({"store", "import", "-", "--store", dir}, twice).out ==
          "imported 0 records into " + dir + ", 2 already stored\n");
  }

  TEST_CASE("times are ISO-8601 UTC in JSON, and import takes old Unix milliseconds too") {
    const TempDir tmp;
    const auto dir = (tmp / "store").string();
    const auto r = run_linkhook({"store", "import", "-", "--store", dir},
                                R"({"id":"old","kind":"sent","sent_at":1760869800123})"
                                "\n");
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    const auto listed =
        nlohmann::json::parse(run_linkhook({"store", "list", "--store", dir, "--json"}).out);
    CHECK(listed["sent_at"] == "2025-10-19T10:30:00.123Z");
    const auto exported =
        nlohmann::json::parse(run_linkhook({"store", "export", "--store", dir}).out);
    CHECK(exported["sent_at"] == "2025-10-19T10:30:00.123Z");
  }

  TEST_CASE("store import refuses a time before 1970 or after 9999, naming the line") {
    const TempDir tmp;
    const auto dir = (tmp / "store").string();
    for (const std::string time :
         {"9000000000000000000", "-9000000000000000000", "-1", "253402300800000",
          "\"1969-12-31T23:59:59Z\"", "\"10000-01-01T00:00:00Z\"", "1.5", "\"soon\""}) {
      CAPTURE(time);
      const auto r = run_linkhook({"store", "import", "-", "--store", dir},
                                  k_sent_record + R"({"id":"x","kind":"received","received_at":)" +
                                      time + "}\n");
      check_usage_error(r, "standard input line 2: record field 'received_at' must be an ISO-8601 "
                           "time from 1970 to 9999");
    }
    CHECK(run_linkhook({"store", "list", "--store", dir, "--json"}).out.empty());
    CHECK(run_linkhook({"store", "import", "-", "--store", dir},
                       R"({"id":"x","kind":"received","received_at":"9999-12-31T23:59:59.999Z"})")
              .exit_code == 0);
    CHECK(run_linkhook({"store", "list", "--store", dir}).out.find("9999-12-31T23:59:59Z") !=
          std::string::npos);
  }

  TEST_CASE("a --store that is a regular file is a usage error for every command") {
    const TempDir tmp;
    const auto file = (tmp / "file").string();
    std::ofstream(file) << "not a store\n";
    const std::vector<std::vector<std::string>> commands = {
        {"store", "list"},
        {"store", "show", "msg_1"},
        {"store", "export"},
        {"store", "clear"},
        {"store", "import", "-"},
        {"replay", "--all", "--url", "http://127.0.0.1:1/", "--secret", k_test_secret},
        {"send", "link.clicked", "--url", "http://127.0.0.1:1/", "--secret", k_test_secret},
        {"listen", "--port", "0", "--max-events", "1", "--secret", k_test_secret}};
    for (auto args : commands) {
      CAPTURE(args[0] + " " + args[1]);
      for (const auto& store : {file, file + "/sub"}) {
        auto with_store = args;
        with_store.insert(with_store.end(), {"--store", store});
        check_usage_error(run_linkhook(with_store, k_sent_record),
                          "store " + store + " is not a directory");
      }
    }
    CHECK(read_bytes(file) == "not a store\n");
  }
}
