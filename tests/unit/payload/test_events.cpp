#include "base/error.hpp"
#include "payload/events.hpp"

#include <doctest/doctest.h>
#include <string>
#include <vector>

using namespace linkhook;

TEST_SUITE("payload/events") {
  TEST_CASE("the catalog holds exactly the 13 events of the contract, in its order") {
    const std::vector<std::string_view> expected = {
        "link.clicked",        "link.created",          "qr.scanned",      "team.member_added",
        "team.member_removed", "integration.connected", "link.expired",    "domain.verified",
        "account.upgraded",    "account.downgraded",    "api.key_created", "security.login_failed",
        "analytics.milestone"};
    const auto all = events();
    REQUIRE(all.size() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
      CHECK(all[i].name == expected[i]);
      CHECK(!all[i].description.empty());
      CHECK(all[i].description.find('\n') == std::string_view::npos);
      CHECK_MESSAGE(!all[i].fixture.empty(), "no fixture for ", all[i].name);
    }
  }

  TEST_CASE("find_event and require_event") {
    CHECK(find_event("qr.scanned") != nullptr);
    CHECK(find_event("qr.scan") == nullptr);
    CHECK(&require_event("link.created") == find_event("link.created"));
    try {
      require_event("link.clikced");
      FAIL("no error");
    } catch (const Error& e) {
      CHECK(e.code() == ExitCode::usage);
      CHECK(std::string(e.what()).find("did you mean 'link.clicked'?") != std::string::npos);
    }
  }

  TEST_CASE("select_events takes names and globs, each event once, in the order given") {
    const std::vector<std::string> patterns = {"qr.scanned", "link.*", "link.clicked"};
    const auto selected = select_events(patterns);
    REQUIRE(selected.size() == 4);
    CHECK(selected[0]->name == "qr.scanned");
    CHECK(selected[1]->name == "link.clicked");
    CHECK(selected[2]->name == "link.created");
    CHECK(selected[3]->name == "link.expired");
    const std::vector<std::string> account = {"account.*graded"};
    CHECK(select_events(account).size() == 2);
    const std::vector<std::string> none = {"billing.*"};
    CHECK_THROWS_AS(select_events(none), Error);
    const std::vector<std::string> unknown = {"link.clicks"};
    CHECK_THROWS_WITH_AS(select_events(unknown), doctest::Contains("did you mean 'link.clicked'?"),
                         Error);
  }
}
