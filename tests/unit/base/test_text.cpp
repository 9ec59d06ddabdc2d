#include "base/text.hpp"

#include <doctest/doctest.h>
#include <vector>

using namespace linkhook;

TEST_SUITE("base/text") {
  TEST_CASE("edit_distance") {
    CHECK(edit_distance("", "") == 0);
    CHECK(edit_distance("abc", "") == 3);
    CHECK(edit_distance("kitten", "sitting") == 3);
    CHECK(edit_distance("link.clicked", "link.clikced") == 2);
  }

  TEST_CASE("closest_match prefers a unique prefix, then the nearest close name") {
    const std::vector<std::string_view> names = {"generate", "events", "listen", "link.clicked",
                                                 "link.created"};
    CHECK(closest_match("gen", names) == "generate");
    CHECK(closest_match("lisen", names) == "listen");
    CHECK(closest_match("link.clickd", names) == "link.clicked");
    CHECK(closest_match("link.c", names) == std::nullopt); // two names start with it, none near
    CHECK(closest_match("zzzzzzzz", names) == std::nullopt);
    CHECK(closest_match("", names) == std::nullopt);
  }

  TEST_CASE("printable shows control bytes as '?' and keeps the rest") {
    CHECK(printable("link.clicked") == "link.clicked");
    CHECK(printable("a\nb\r\x1b[31m\x7f\t") == "a?b??[31m??");
    CHECK(printable("caf\xc3\xa9") == "caf\xc3\xa9");
  }

  TEST_CASE("one_line_preview: one readable line of an answer's body") {
    CHECK(one_line_preview("ok\n", false) == "ok");
    CHECK(one_line_preview("{\"error\":\n\t\"bad\"}\r\n", false) == "{\"error\": \"bad\"}");
    CHECK(one_line_preview("a\x1b[31mb\x7f", false) == "a?[31mb?");
    CHECK(one_line_preview("caf\xc3\xa9", false) == "caf\xc3\xa9");
    CHECK(one_line_preview("caf\xc3", true) == "caf…"); // a character cut in two is dropped
    CHECK(one_line_preview("\xff\xfe", false) == "??");
    CHECK(one_line_preview("", false).empty());
  }

  TEST_CASE("count_of: one thing, or many") {
    CHECK(count_of(1, "delivery", "deliveries") == "1 delivery");
    CHECK(count_of(0, "delivery", "deliveries") == "0 deliveries");
    CHECK(count_of(1, "second") == "1 second");
    CHECK(count_of(2, "second") == "2 seconds");
  }

  TEST_CASE("did_you_mean names the closest candidate, or nothing") {
    const std::vector<std::string> names = {"count", "concurrency", "seed"};
    CHECK(did_you_mean("coutn", names) == " (did you mean 'count'?)");
    CHECK(did_you_mean("zzzzzz", names).empty());
  }

  TEST_CASE("glob_match") {
    CHECK(glob_match("link.*", "link.clicked"));
    CHECK(glob_match("*", ""));
    CHECK(glob_match("*.milestone", "analytics.milestone"));
    CHECK(glob_match("team.member_?????ed", "team.member_removed"));
    CHECK(glob_match("a*b*c", "aXXbYYc"));
    CHECK_FALSE(glob_match("link.*", "qr.scanned"));
    CHECK_FALSE(glob_match("link.clicked", "link.clicked2"));
    CHECK_FALSE(glob_match("?", ""));
    CHECK_FALSE(glob_match("a*b", "aXXc"));
  }
}
