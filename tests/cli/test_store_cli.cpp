#include "cli_helpers.hpp"
#include "send_helpers.hpp"
#include "temp_dir.hpp"

#include <fstream>
#include <iterator>

using namespace linkhook::test;

namespace {

// Three records in exactly the form `store export` writes, so an export of the imported store
// must reproduce these bytes. The second has a binary body (NUL, 0xff, 0xfe) and a header
// value that is not UTF-8; the third repeats the first one's id as a duplicate.
const std::string k_records =
    R"({"id":"msg_1","kind":"received","event":"link.clicked","received_at":"2025-10-19T10:30:00.123Z",)"
    R"("verified":true,"duplicate":false,"status":204,"reason":"valid","verdict":"verified",)"
    R"("body_size":24,"headers":[["webhook-id","msg_1"],["Content-Type","application/json"],)"
    R"(["X-Twice","a"],["x-twice","b"]],"body":"{\"event\":\"link.clicked\"}"})"
    "\n"
    R"({"id":"rec_0123456789abcdefghijklmn","kind":"received","event":"","received_at":)"
    R"("2025-10-19T10:30:01.000Z","verified":false,"duplicate":false,"status":401,"reason":)"
    R"("no signature matches","verdict":"rejected","body_size":6,"headers":[["X-Raw",)"
    R"({"base64":"//4="}]],"body_base64":"AP/+Ymlu"})"
    "\n"
    R"({"id":"msg_1","kind":"received","event":"link.clicked","received_at":"2025-10-19T10:30:02.000Z",)"
    R"("verified":true,"duplicate":true,"status":204,"reason":"valid","verdict":"duplicate",)"
    R"("body_size":2,"headers":[],"body":"{}"})"
    "\n";

// A record that k_records does not hold.
const std::string k_sent_record =
    R"({"id":"msg_9","kind":"sent","event":"qr.scanned","sent_at":"2025-10-19T10:31:00.000Z",)"
    R"("status":200,"headers":[],"body":"{}"})"
    "\n";

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Where the log of the store in `dir` ends, as its header says (bytes 10 to 15).
std::uint64_t log_end(const std::string& dir) {
  const auto header = read_bytes(dir + "/events.log").substr(10, 6);
  std::uint64_t end = 0;
  for (int i = 5; i >= 0; --i) {
    end = end << 8U | static_cast<unsigned char>(header[static_cast<std::size_t>(i)]);
  }
  return end;
}

void set_log_end(const std::string& dir, std::uint64_t end) {
  std::string bytes;
  for (int i = 0; i < 6; ++i) {
    bytes.push_back(static_cast<char>((end >> (8 * i)) & 0xffU));
  }
  std::fstream log(dir + "/events.log", std::ios::binary | std::ios::in | std::ios::out);
  log.seekp(10);
  log << bytes;
}

// Where a writer keeps the bytes at `offset` of the log that it cuts.
std::string damaged_copy(const std::string& dir, std::uint64_t offset) {
  return dir + "/events.log.damaged-" + std::to_string(offset);
}

// A temporary store filled with k_records through `store import -`.
struct FilledStore {
  TempDir tmp;
  std::string dir = (tmp / "store").string();

  FilledStore() {
    const auto r = run_linkhook({"store", "import", "-", "--store", dir}, k_records);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out == "imported 3 records into " + dir + ", 0 already stored\n");
  }

  Result store(std::vector<std::string> args) const {
    args.insert(args.begin(), "store");
    args.insert(args.end(), {"--store", dir});
    return run_linkhook(args, {}, {{"NO_COLOR", "1"}});
  }
};

} // namespace

TEST_SUITE("cli.store") {
  TEST_CASE("store list shows a table, oldest first, and filters by event, verdict and limit") {
    const FilledStore s;
    auto r = s.store({"list"});
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    auto lines = lines_of(r.out);
    REQUIRE(lines.size() == 4);
    CHECK(lines[0].starts_with("TIME "));
    CHECK(lines[0].find(" KIND ") != std::string::npos);
    CHECK(lines[1].starts_with("2025-10-19T10:30:00Z  msg_1 "));
    CHECK(lines[1].find("  received  link.clicked  verified") != std::string::npos);
    CHECK(lines[1].find("verified") != std::string::npos);
    CHECK(lines[2].find("rejected") != std::string::npos);
    CHECK(lines[3].find("duplicate") != std::string::npos);

    r = s.store({"list", "--verdict", "rejected"});
    REQUIRE(lines_of(r.out).size() == 2);
    CHECK(lines_of(r.out)[1].find("rec_0123456789abcdefghijklmn") != std::string::npos);
    CHECK(lines_of(s.store({"list", "--event", "link.*"}).out).size() == 3);
    CHECK(lines_of(s.store({"list", "--event", "qr.*"}).out).empty());
    r = s.store({"list", "--limit", "1"});
    REQUIRE(lines_of(r.out).size() == 2);
    CHECK(lines_of(r.out)[1].find("duplicate") != std::string::npos); // the newest
  }

  TEST_CASE("store list --json prints one summary object per record") {
    const FilledStore s;
    const auto r = s.store({"list", "--json", "--verdict", "verified"});
    CHECK(r.exit_code == 0);
    const auto lines = lines_of(r.out);
    REQUIRE(lines.size() == 1);
    const auto json = nlohmann::json::parse(lines[0]);
    CHECK(json["id"] == "msg_1");
    CHECK(json["kind"] == "received");
    CHECK(json["event"] == "link.clicked");
    CHECK(json["received_at"] == "2025-10-19T10:30:00.123Z");
    CHECK(json["verified"] == true);
    CHECK(json["status"] == 204);
    CHECK(json["reason"] == "valid");
    CHECK_FALSE(json.contains("body"));
  }

  TEST_CASE("store show prints a record in full, a binary body is named, or base64 in JSON") {
    const FilledStore s;
    auto r = s.store({"show", "msg_1"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("  X-Twice: a\n  x-twice: b\n") != std::string::npos);
    CHECK(r.out.find("repeats   1 later record with this id") != std::string::npos);
    CHECK(r.out.ends_with("body      24 bytes\n{\"event\":\"link.clicked\"}\n"));

    r = s.store({"show", "rec_0123456789abcdefghijklmn"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("6 bytes, binary") != std::string::npos);
    CHECK(r.out.find('\0') == std::string::npos);

    r = s.store({"show", "rec_0123456789abcdefghijklmn", "--json"});
    CHECK(r.exit_code == 0);
    const auto json = nlohmann::json::parse(r.out);
    CHECK(json["body_base64"] == "AP/+Ymlu");
    CHECK_FALSE(json.contains("body"));
    CHECK(json["headers"][0][1]["base64"] == "//4=");
  }

  TEST_CASE("store export reproduces the imported records byte for byte") {
    const FilledStore s;
    const auto r = s.store({"export"});
    CHECK(r.exit_code == 0);
    CHECK(r.out == k_records);
    // ...and its output imports into another store that exports the same again.
    const TempDir other;
    const auto dir = (other / "copy").string();
    CHECK(run_linkhook({"store", "import", "-", "--store", dir, "--json"}, r.out).out ==
          "{\"imported\":3,\"already_stored\":0}\n");
    CHECK(run_linkhook({"store", "export", "--store", dir}).out == k_records);
    CHECK(run_linkhook({"store", "export", "--store", dir, "--verdict", "duplicate"}).out ==
          lines_of(k_records)[2] + "\n");
  }

  TEST_CASE("store clear removes every record and says how many") {
    const FilledStore s;
    auto r = s.store({"clear", "--json"});
    CHECK(r.exit_code == 0);
    CHECK(nlohmann::json::parse(r.out) == nlohmann::json{{"removed", 3}});
    r = s.store({"list"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.empty());
    CHECK(s.store({"clear"}).out == "removed 0 records from " + s.dir + "\n");
  }

  TEST_CASE("store import and clear --quiet print nothing") {
    const FilledStore s;
    const auto imported = s.store({"import", "-", "--quiet"});
    CHECK(imported.exit_code == 0);
    CHECK(imported.out.empty());
    const auto cleared = s.store({"clear", "-q"});
    CHECK(cleared.exit_code == 0);
    CHECK(cleared.out.empty());
    CHECK(s.store({"list"}).out.empty());
  }

  TEST_CASE("an unknown id is a one-line usage error that suggests a close id") {
    const FilledStore s;
    const auto r = s.store({"show", "msg_2"});
    check_usage_error(r, "no record with id 'msg_2'");
    CHECK(r.err.find("did you mean 'msg_1'?") != std::string::npos);
  }

  TEST_CASE("a missing store lists and exports nothing, and is found through the environment") {
    const TempDir tmp;
    const auto missing = (tmp / "none").string();
    auto r = run_linkhook({"store", "list", "--json"}, {}, {{"LINKHOOK_STORE", missing}});
    CHECK(r.exit_code == 0);
    CHECK(r.out.empty());
    r = run_linkhook(
        {"store", "export"}, {},
        {{"LINKHOOK_STORE", ""}, {"XDG_STATE_HOME", missing}, {"HOME", "/nonexistent"}});
    CHECK(r.exit_code == 0);
    CHECK(r.out.empty());
    CHECK_FALSE(std::filesystem::exists(missing));

    run_linkhook({"store", "import", "-"}, k_records,
                 {{"LINKHOOK_STORE", ""}, {"XDG_STATE_HOME", ""}, {"HOME", missing}});
    CHECK(std::filesystem::exists(tmp / "none/.local/state/linkhook/events.log"));
  }

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

  TEST_CASE("store list has a kind column, and store show --kind picks the sent or the received") {
    const FilledStore s;
    const auto sent = std::string(R"({"id":"msg_1","kind":"sent","event":"link.clicked",)") +
                      R"("sent_at":"2025-10-19T10:31:00.000Z","status":500,"body":"sent"})" + "\n";
    REQUIRE(run_linkhook({"store", "import", "-", "--store", s.dir}, sent).exit_code == 0);
    auto lines = lines_of(s.store({"list", "--kind", "sent"}).out);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0] == "TIME                  ID     KIND  EVENT         VERDICT  STATUS");
    CHECK(lines[1] == "2025-10-19T10:31:00Z  msg_1  sent  link.clicked  failed   500");
    auto r = s.store({"show", "msg_1"});
    CHECK(r.out.find("kind      received\n") != std::string::npos);
    CHECK(r.out.find("of kind sent with this id: pick one with --kind") != std::string::npos);
    r = s.store({"show", "msg_1", "--kind", "sent"});
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    CHECK(r.out.find("kind      sent\n") != std::string::npos);
    CHECK(r.out.ends_with("body      4 bytes\nsent\n"));
    CHECK(nlohmann::json::parse(
              s.store({"show", "msg_1", "--kind", "sent", "--json"}).out)["body"] == "sent");
    check_usage_error(s.store({"show", "msg_1", "--kind", "attempts"}),
                      "no attempts record with id 'msg_1'");
  }

  TEST_CASE("--verdict takes every verdict store list prints, 'gave up' as gave-up too") {
    const FilledStore s;
    const auto attempts =
        std::string(R"({"id":"att_1","kind":"attempts","event":"link.clicked","ref":"msg_1",)") +
        R"("sent_at":"2025-10-19T10:32:00.000Z","status":500,"extra":{"ending":"gave up"}})" + "\n";
    REQUIRE(run_linkhook({"store", "import", "-", "--store", s.dir}, attempts).exit_code == 0);
    auto r = s.store({"list", "--verdict", "gave up"});
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    auto lines = lines_of(r.out);
    REQUIRE(lines.size() == 2);
    CHECK(lines[1].find("att_1  attempts  link.clicked  gave up  500") != std::string::npos);
    CHECK(s.store({"list", "--verdict", "gave-up"}).out == r.out);
    r = s.store({"list", "--failed", "--verdict", "gave-up"});
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    lines = lines_of(r.out);
    REQUIRE(lines.size() == 2);
    CHECK(lines[1].find("msg_1  received  link.clicked  gave up  500") != std::string::npos);
    CHECK(lines_of(s.store({"list", "--failed", "--verdict", "gone"}).out).empty());
    r = s.store({"list", "--verdict", "lost"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("gave-up") != std::string::npos);
    CHECK(r.err.find("interrupted") != std::string::npos);
  }

  TEST_CASE("a mistyped store command gets a suggestion") {
    check_usage_error(run_linkhook({"store", "lsit"}), "did you mean 'list'?");
    check_usage_error(run_linkhook({"store"}), "linkhook store list");
  }
}
