#include "cli_helpers.hpp"
#include "send_helpers.hpp"
#include "store_helpers.hpp"

#include <filesystem>

using namespace linkhook::test;

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

  TEST_CASE(
      "--limit keeps the newest records that match, oldest first, with or without the index") {
    const FilledStore s;
    const auto records = lines_of(k_records);
    const auto newest_two = records[1] + "\n" + records[2] + "\n";
    CHECK(std::filesystem::exists(std::filesystem::path(s.dir) / "events.idx"));
    CHECK(s.store({"export", "--limit", "2"}).out == newest_two);
    CHECK(s.store({"export", "--limit", "1", "--event", "link.*", "--verdict", "verified"}).out ==
          records[0] + "\n");
    CHECK(lines_of(s.store({"list", "--json", "--limit", "5"}).out).size() == 3);
    std::filesystem::remove(std::filesystem::path(s.dir) / "events.idx");
    CHECK(s.store({"export", "--limit", "2"}).out == newest_two);
    const auto r = s.store({"export", "--limit", "0"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("--limit") != std::string::npos);
  }

  TEST_CASE("store diff shows the headers and body fields that changed, exit 1, or 0 alike") {
    const FilledStore s;
    REQUIRE(s.store({"import", "-", "--quiet"}).exit_code == 0);
    REQUIRE(run_linkhook({"store", "import", "-", "--store", s.dir, "--quiet"}, k_sent_record)
                .exit_code == 0);
    auto r = s.store({"diff", "msg_1", "msg_9"});
    CHECK(r.exit_code == 1);
    CHECK(r.out == "headers\n"
                   "  - webhook-id: msg_1\n"
                   "  - Content-Type: application/json\n"
                   "  - X-Twice: a, b\n"
                   "body (JSON)\n"
                   "  - event: \"link.clicked\"\n");
    r = s.store({"diff", "msg_9", "msg_1", "--json"});
    CHECK(r.exit_code == 1);
    const auto json = nlohmann::json::parse(r.out);
    CHECK(json["identical"] == false);
    CHECK(json["headers"][0] ==
          nlohmann::json{{"name", "webhook-id"}, {"a", nullptr}, {"b", "msg_1"}});
    CHECK(json["body"] ==
          nlohmann::json::array({{{"path", "event"}, {"a", nullptr}, {"b", "link.clicked"}}}));

    r = s.store({"diff", "msg_1", "msg_1"});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "identical: the same headers and body\n");
    CHECK(s.store({"diff", "msg_1", "msg_9", "--kind", "sent"}).exit_code == 2);
    r = s.store({"diff", "msg_1", "msg_7"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("no record with id 'msg_7'") != std::string::npos);
  }

  TEST_CASE("store diff of a binary body shows the range of bytes that differs") {
    const FilledStore s;
    const auto r = s.store({"diff", "msg_1", "rec_0123456789abcdefghijklmn"});
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("body (not JSON)\n  bytes 0-24 of A (24 bytes) differ from bytes 0-6 of B "
                     "(6 bytes)\n") != std::string::npos);
    CHECK(r.out.find("  + X-Raw: ") != std::string::npos);
    CHECK(r.out.find('\0') == std::string::npos); // the bodies' bytes are not printed
  }

  TEST_CASE("store export --format curl re-sends each record's exact bytes: every one verifies") {
    const TempDir tmp;
    const auto dir = (tmp / "store").string();
    {
      RunningListener first({"--secret", k_test_secret, "--store", dir, "--quiet"});
      REQUIRE(run_linkhook({"send", "link.clicked", "qr.scanned", "team.member_added", "--url",
                            first.url(), "--secret", k_test_secret, "--no-store", "--quiet"})
                  .exit_code == 0);
    }
    const auto script = run_linkhook({"store", "export", "--format", "curl", "--store", dir});
    REQUIRE(script.exit_code == 0);
    CHECK(script.out.rfind("#!/bin/sh\n", 0) == 0);
    // Nothing listens there: every status is 000, and the script exits 1.
    const auto nowhere = run({"sh", "-s", "http://127.0.0.1:9/"}, script.out);
    CHECK(nowhere.exit_code == 1);
    CHECK(nowhere.out == "000\n000\n000\n");
    RunningListener second({"--secret", k_test_secret, "--no-store"});
    const auto r = run({"sh", "-s", second.url()}, script.out);
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    CHECK(r.out == "200\n200\n200\n");
    for (int i = 0; i < 3; ++i) {
      const auto line = nlohmann::json::parse(second.next_line());
      CHECK(line["verified"] == true);
    }
  }

  TEST_CASE("a hostile record exports to a curl script that runs nothing but curl") {
    const TempDir tmp;
    const auto dir = (tmp / "store").string();
    const auto pwned = (tmp / "pwned").string();
    const std::string hostile =
        "'$(touch " + pwned + ")' `touch " + pwned + "` \"$HOME\" ;\n" + "touch " + pwned + "\n'";
    nlohmann::json record = {
        {"id", "msg_hostile"},
        {"kind", "received"},
        {"event", "link.clicked"},
        {"received_at", "2025-10-19T10:30:00.000Z"},
        {"status", 200},
        {"headers",
         nlohmann::json::array({nlohmann::json::array({"X-Quote", hostile.substr(0, 20)}),
                                nlohmann::json::array({"X-Lines", "a\ntouch " + pwned}),
                                nlohmann::json::array({"X-Dollar", "$(touch " + pwned + ")"})})},
        {"body", hostile}};
    REQUIRE(
        run_linkhook({"store", "import", "-", "--store", dir}, record.dump() + "\n").exit_code ==
        0);
    const auto script = run_linkhook({"store", "export", "--format", "curl", "--store", dir});
    REQUIRE(script.exit_code == 0);
    CHECK(script.out.find("# header X-Lines left out") != std::string::npos);
    const auto target = (tmp / "target").string();
    RunningListener listener({"--secret", k_test_secret, "--store", target});
    const auto r = run({"sh", "-s", listener.url()}, script.out);
    CHECK_MESSAGE(r.exit_code == 1, r.err); // not a 2xx: the script says so
    CHECK(r.out == "401\n");                // its signature headers are gone: received, and refused
    CHECK_FALSE(std::filesystem::exists(pwned));
    listener.next_line();
    const auto stored =
        nlohmann::json::parse(run_linkhook({"store", "export", "--store", target}).out);
    CHECK(stored["body"] == hostile); // byte for byte
    bool dollar = false;
    for (const auto& header : stored["headers"]) {
      dollar = dollar || (header[0] == "X-Dollar" && header[1] == "$(touch " + pwned + ")");
    }
    CHECK(dollar);
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
