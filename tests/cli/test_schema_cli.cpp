#include "cli_helpers.hpp"
#include "listener_fixture.hpp"
#include "send_helpers.hpp"

#include <nlohmann/json.hpp>

using namespace linkhook::test;
using Json = nlohmann::json;

TEST_SUITE("cli.schema") {
  TEST_CASE("schema EVENT, --all and --asyncapi print JSON, and a wrong request is a usage error") {
    auto r = run_linkhook({"schema", "qr.scanned"});
    CHECK(r.exit_code == 0);
    const auto schema = Json::parse(r.out);
    CHECK(schema["title"] == "qr.scanned");
    CHECK(schema["$schema"] == "http://json-schema.org/draft-07/schema#");
    const auto all = Json::parse(run_linkhook({"schema", "--all"}).out);
    CHECK(all.size() == 13);
    CHECK(all["qr.scanned"] == schema);
    const auto asyncapi = Json::parse(run_linkhook({"schema", "--asyncapi"}).out);
    CHECK(asyncapi["asyncapi"] == "3.0.0");
    CHECK(asyncapi["components"]["messages"].size() == 13);

    r = run_linkhook({"schema", "qr.scaned"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("qr.scanned") != std::string::npos); // the closest
    r = run_linkhook({"schema"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("name an event, or give --all or --asyncapi") != std::string::npos);
  }

  TEST_CASE("validate: generated payloads pass, and each broken one is named by line and pointer") {
    const auto payloads = run_linkhook({"generate", "--all", "--count", "20", "--seed", "4"}).out;
    auto r = run_linkhook({"validate"}, payloads);
    CHECK(r.exit_code == 0);
    CHECK(r.out == "260 payloads: all valid\n");
    // One pretty-printed document, as generate prints one payload.
    r = run_linkhook({"validate", "-"}, run_linkhook({"generate", "link.created"}).out);
    CHECK(r.out == "1 payload: all valid\n");

    auto lines = lines_of(payloads);
    std::size_t clicked = 0;
    while (Json::parse(lines[clicked])["event"] != "link.clicked") {
      ++clicked;
    }
    REQUIRE(clicked < 4);
    auto broken = Json::parse(lines[clicked]);
    broken["data"]["click"]["ip"] = "not-an-ip";
    lines[clicked] = broken.dump();
    lines[4] = "{not json";
    std::string input;
    for (const auto& line : lines) {
      input += line + "\n";
    }
    r = run_linkhook({"validate", "-"}, input, {{"NO_COLOR", "1"}});
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("line " + std::to_string(clicked + 1) +
                     ": link.clicked: /data/click/ip: \"not-an-ip\" is not an IP address\n") !=
          std::string::npos);
    CHECK(r.out.find("line 5: not JSON\n") != std::string::npos);
    CHECK(r.out.ends_with("260 payloads: 258 valid, 2 invalid\n"));

    r = run_linkhook({"validate", "--json"}, input);
    const auto json = json_lines(r.out);
    REQUIRE(json.size() == 261);
    CHECK(json[clicked]["valid"] == false);
    CHECK(json[clicked]["line"] == clicked + 1);
    CHECK(json[clicked]["pointer"] == "/data/click/ip");
    CHECK(json[5] == Json{{"line", 6}, {"event", json[5]["event"]}, {"valid", true}});
    CHECK(json[260]["summary"] == Json{{"payloads", 260}, {"valid", 258}, {"invalid", 2}});

    r = run_linkhook({"validate", "-q"}, input);
    CHECK(r.out == "260 payloads: 258 valid, 2 invalid\n");
  }

  TEST_CASE("validate: no payload, or a file that cannot be read, is a usage error") {
    auto r = run_linkhook({"validate"}, "\n\n");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("no payload to validate") != std::string::npos);
    r = run_linkhook({"validate", "-"}, std::string(65U << 20, 'x'));
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("line 1 of '-' is over 64 MiB and does not end") != std::string::npos);
    r = run_linkhook({"validate", "/nonexistent/payloads.ndjson"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("cannot read '/nonexistent/payloads.ndjson'") != std::string::npos);
  }

  TEST_CASE("listen --validate answers 422 to a verified payload off its schema, naming why") {
    RunningListener listener({"--secret", k_test_secret, "--no-store", "--validate"});
    auto r = send_to(listener.url(), {"link.clicked", "--no-store"});
    CHECK(r.exit_code == 0);
    auto line = Json::parse(listener.next_line());
    CHECK(line["status"] == 200);
    r = send_to(listener.url(),
                {"link.clicked", "--set", "data.click.device=fridge", "--no-store", "--json"});
    CHECK(r.exit_code == 1);
    CHECK(json_lines(r.out)[0]["status"] == 422);
    CHECK(json_lines(r.out)[0]["response"].get<std::string>().find(
              "/data/click/device: \"fridge\" is not one of") != std::string::npos);
    line = Json::parse(listener.next_line());
    CHECK(line["status"] == 422);
    CHECK(line["outcome"] == "invalid");
    CHECK(line["verified"] == true);
    // Without --validate the same payload is taken.
    RunningListener lenient({"--secret", k_test_secret, "--no-store"});
    CHECK(
        send_to(lenient.url(), {"link.clicked", "--set", "data.click.device=fridge", "--no-store"})
            .exit_code == 0);
  }
}
