#include "cli_helpers.hpp"

using namespace linkhook::test;
using Json = nlohmann::json;

TEST_SUITE("cli.generate") {
  TEST_CASE("--all --seed 7 prints 13 valid payloads, the same bytes on a second run") {
    const auto first = run_linkhook({"generate", "--all", "--seed", "7"});
    const auto second = run_linkhook({"generate", "--all", "--seed", "7"});
    CHECK(first.exit_code == 0);
    CHECK(first.err.empty());
    CHECK(first.out == second.out);
    const auto lines = lines_of(first.out);
    REQUIRE(lines.size() == 13);
    for (const auto& line : lines) {
      const auto payload = Json::parse(line);
      CHECK(payload.size() == 3);
      CHECK(payload["timestamp"] == "2025-10-19T10:30:00Z");
    }
    CHECK(Json::parse(lines[0])["event"] == "link.clicked");
    CHECK(run_linkhook({"generate", "--all", "--seed", "8"}).out != first.out);
  }

  TEST_CASE("without a seed, payloads vary between runs and carry the current time") {
    const auto a = run_linkhook({"generate", "link.clicked"});
    const auto b = run_linkhook({"generate", "link.clicked"});
    CHECK(a.exit_code == 0);
    CHECK(a.out != b.out);
    const auto year = Json::parse(a.out)["timestamp"].get<std::string>().substr(0, 2);
    CHECK(year == "20");
  }

  TEST_CASE("--count gives N payloads of each event, in rounds") {
    const auto r = run_linkhook({"generate", "link.clicked", "qr.scanned", "--count", "3"});
    CHECK(r.exit_code == 0);
    const auto lines = lines_of(r.out);
    REQUIRE(lines.size() == 6);
    CHECK(Json::parse(lines[4])["event"] == "link.clicked");
    CHECK(Json::parse(lines[5])["event"] == "qr.scanned");
    CHECK(lines_of(run_linkhook({"generate", "link.*", "-n", "2"}).out).size() == 6);
  }

  TEST_CASE("--timestamp sets the payload time, ISO-8601 or Unix seconds") {
    const auto iso =
        run_linkhook({"generate", "link.created", "--timestamp", "2024-02-29T12:00:00+01:00"});
    CHECK(Json::parse(iso.out)["timestamp"] == "2024-02-29T11:00:00Z");
    const auto unix = run_linkhook({"generate", "link.created", "--timestamp", "0", "--seed", "1"});
    CHECK(Json::parse(unix.out)["timestamp"] == "1970-01-01T00:00:00Z");
    check_usage_error(run_linkhook({"generate", "link.created", "--timestamp", "noon"}),
                      "--timestamp 'noon'");
  }

  TEST_CASE("--set overrides a field, parses JSON values, and creates missing objects") {
    const auto r = run_linkhook({"generate", "link.clicked", "--seed", "1", "--set",
                                 "data.link.title=Hi there", "--set", "data.click.country=\"DE\"",
                                 "--set", "data.meta.test.run=42", "--set", "data.user=null"});
    CHECK(r.exit_code == 0);
    const auto payload = Json::parse(r.out);
    CHECK(payload["data"]["link"]["title"] == "Hi there");
    CHECK(payload["data"]["click"]["country"] == "DE");
    CHECK(payload["data"]["meta"]["test"]["run"] == 42);
    CHECK(payload["data"]["user"].is_null());
  }

  TEST_CASE("--pretty indents each payload, it is the same JSON") {
    const auto pretty = run_linkhook({"generate", "domain.verified", "--seed", "3", "--pretty"});
    const auto compact = run_linkhook({"generate", "domain.verified", "--seed", "3"});
    CHECK(pretty.out.find("\n  \"data\": {\n") != std::string::npos);
    CHECK(Json::parse(pretty.out) == Json::parse(compact.out));
  }

  TEST_CASE("bad input is a one-line usage error with nothing on stdout") {
    check_usage_error(run_linkhook({"generate", "link.clickd"}),
                      "unknown event 'link.clickd' (did you mean 'link.clicked'?)");
    check_usage_error(run_linkhook({"generate", "billing.*"}), "no event matches 'billing.*'");
    check_usage_error(run_linkhook({"generate"}), "name at least one event, or --all");
    check_usage_error(run_linkhook({"generate", "--all", "link.clicked"}), "not both");
    check_usage_error(run_linkhook({"generate", "link.clicked", "--count", "0"}),
                      "--count must be at least 1, got 0");
    check_usage_error(run_linkhook({"generate", "link.clicked", "--count", "-5"}), "--count");
    check_usage_error(run_linkhook({"generate", "link.clicked", "--count", "many"}), "--count");
    check_usage_error(run_linkhook({"generate", "link.clicked", "--set", "data.link.title"}),
                      "--set 'data.link.title' needs the form PATH=VALUE");
    check_usage_error(run_linkhook({"generate", "link.clicked", "--set", "data..x=1"}),
                      "empty segment");
    check_usage_error(run_linkhook({"generate", "link.clicked", "--set", "data.link.id.x=1"}),
                      "data.link.id is a string, not an object");
    check_usage_error(run_linkhook({"generate", "link.clicked", "--seed", "abc"}), "--seed");
  }

  TEST_CASE("output streams to a reader that stops early") {
    // `| head -1`: the rest is not buffered in memory first, and the reader gets whole lines.
    const auto r = run({"sh", "-c", "\"$0\" generate link.clicked --count 5000000 | head -n 1",
                        linkhook_binary()});
    CHECK(r.exit_code == 0);
    CHECK(Json::parse(r.out)["event"] == "link.clicked");
  }
}
