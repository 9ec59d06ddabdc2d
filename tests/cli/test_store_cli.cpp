#include "cli_helpers.hpp"
#include "temp_dir.hpp"

#include <fstream>
#include <iterator>

using namespace linkhook::test;

namespace {

// Three records in exactly the form `store export` writes, so an export of the imported store
// must reproduce these bytes. The second has a binary body (NUL, 0xff, 0xfe) and a header
// value that is not UTF-8; the third repeats the first one's id as a duplicate.
const std::string k_records =
    R"({"id":"msg_1","kind":"received","event":"link.clicked","received_at":1760869800123,)"
    R"("verified":true,"duplicate":false,"status":204,"reason":"valid","verdict":"verified",)"
    R"("body_size":24,"headers":[["webhook-id","msg_1"],["Content-Type","application/json"],)"
    R"(["X-Twice","a"],["x-twice","b"]],"body":"{\"event\":\"link.clicked\"}"})"
    "\n"
    R"({"id":"rec_0123456789abcdefghijklmn","kind":"received","event":"","received_at":)"
    R"(1760869801000,"verified":false,"duplicate":false,"status":401,"reason":)"
    R"("no signature matches","verdict":"rejected","body_size":6,"headers":[["X-Raw",)"
    R"({"base64":"//4="}]],"body_base64":"AP/+Ymlu"})"
    "\n"
    R"({"id":"msg_1","kind":"received","event":"link.clicked","received_at":1760869802000,)"
    R"("verified":true,"duplicate":true,"status":204,"reason":"valid","verdict":"duplicate",)"
    R"("body_size":2,"headers":[],"body":"{}"})"
    "\n";

// A temporary store filled with k_records through `store import -`.
struct FilledStore {
  TempDir tmp;
  std::string dir = (tmp / "store").string();

  FilledStore() {
    const auto r = run_linkhook({"store", "import", "-", "--store", dir}, k_records);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out == "imported 3 records into " + dir + "\n");
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
    CHECK(lines[1].starts_with("2025-10-19T10:30:00Z  msg_1 "));
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
    CHECK(json["received_at"] == 1760869800123);
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
          "{\"imported\":3}\n");
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

  TEST_CASE("a torn tail left by a crash is skipped with a note, and the next write removes it") {
    const FilledStore s;
    {
      // A frame whose write was cut short, at the log's end, and the end in the header (bytes
      // 10 to 15) moved past it: what a crash in the middle of an append can leave.
      std::fstream log(s.dir + "/events.log", std::ios::binary | std::ios::in | std::ios::out);
      char end_bytes[6];
      log.seekg(10);
      log.read(end_bytes, sizeof end_bytes);
      std::uint64_t end = 0;
      for (int i = 5; i >= 0; --i) {
        end = end << 8U | static_cast<unsigned char>(end_bytes[i]);
      }
      log.seekp(static_cast<std::streamoff>(end));
      log << std::string("LHKr\x01\x00\x00\x00\xff", 9);
      end += 9;
      for (auto& byte : end_bytes) {
        byte = static_cast<char>(end & 0xffU);
        end >>= 8U;
      }
      log.seekp(10);
      log.write(end_bytes, sizeof end_bytes);
    }
    auto r = s.store({"list", "--json"});
    CHECK(r.exit_code == 0);
    CHECK(lines_of(r.out).size() == 3);
    CHECK_MESSAGE(r.err.find("skipped 9 bytes of an incomplete last record") != std::string::npos,
                  r.err);
    CHECK(s.store({"import", "-"}).exit_code == 0); // empty input: nothing to append
    CHECK(run_linkhook({"store", "import", "-", "--store", s.dir}, lines_of(k_records)[0])
              .exit_code == 0);
    r = s.store({"list", "--json"});
    CHECK(lines_of(r.out).size() == 4);
    CHECK(r.err.empty());
  }

  TEST_CASE("a mistyped store command gets a suggestion") {
    check_usage_error(run_linkhook({"store", "lsit"}), "did you mean 'list'?");
    check_usage_error(run_linkhook({"store"}), "linkhook store list");
  }
}
