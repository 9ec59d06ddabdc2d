#include "cli_helpers.hpp"

using namespace linkhook::test;

TEST_SUITE("cli.events") {
  TEST_CASE("events lists the 13 events, one per line with a description") {
    const auto r = run_linkhook({"events"}, {}, {{"NO_COLOR", "1"}});
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    const auto lines = lines_of(r.out);
    REQUIRE(lines.size() == 13);
    CHECK(lines[0].starts_with("link.clicked "));
    CHECK(lines[12].starts_with("analytics.milestone "));
    CHECK(r.out.find('\x1b') == std::string::npos); // no colour into a pipe
  }

  TEST_CASE("events --json is the contract's array of name and description") {
    const auto r = run_linkhook({"events", "--json"});
    CHECK(r.exit_code == 0);
    const auto list = nlohmann::json::parse(r.out);
    REQUIRE(list.is_array());
    REQUIRE(list.size() == 13);
    std::vector<std::string> names;
    for (const auto& item : list) {
      CHECK(item.size() == 2);
      CHECK(!item.at("description").template get<std::string>().empty());
      names.push_back(item.at("name"));
    }
    CHECK(names == std::vector<std::string>{
                       "link.clicked", "link.created", "qr.scanned", "team.member_added",
                       "team.member_removed", "integration.connected", "link.expired",
                       "domain.verified", "account.upgraded", "account.downgraded",
                       "api.key_created", "security.login_failed", "analytics.milestone"});
  }
}
