#include "send_helpers.hpp"
#include "temp_dir.hpp"

#include <map>
#include <set>
#include <string>

using namespace linkhook::test;
using Json = nlohmann::json;

namespace {

// (story place, redelivery) of each delivery line, in the order send reported them.
std::vector<std::pair<int, bool>> plan_of(const std::vector<Json>& lines) {
  std::vector<std::pair<int, bool>> plan;
  for (std::size_t i = 0; i + 1 < lines.size(); ++i) {
    plan.emplace_back(lines[i]["story"].get<int>(), lines[i]["redelivery"].get<bool>());
  }
  return plan;
}

} // namespace

TEST_SUITE("cli.send.chaos") {
  TEST_CASE("--duplicates and --reorder: the listener sees each redelivery's id again, in the "
            "planned order") {
    TempDir dir;
    const auto store = (dir / "sent").string();
    RunningListener listener({"--secret", k_test_secret, "--no-store", "--timeout", "30"});
    const std::vector<std::string> args = {"link.*", "--count",   "10", "--duplicates",
                                           "0.3",    "--reorder", "5",  "--seed",
                                           "11",     "--json"};
    auto with_store = args;
    with_store.insert(with_store.end(), {"--store", store});
    const auto r = send_to(listener.url(), with_store);
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    const auto lines = json_lines(r.out);
    REQUIRE(lines.size() >= 31);
    const auto& summary = lines.back()["summary"];
    const auto sent = summary["sent"].get<std::size_t>();
    const auto duplicates = summary["duplicates"].get<std::size_t>();
    REQUIRE(lines.size() == sent + 1);
    CHECK(sent == 30 + duplicates);
    CHECK(duplicates > 0);
    CHECK(summary["reordered"] > 0);

    // One connection: the listener got them in the order send sent them. It marks exactly the
    // redeliveries as repeats of an id it acknowledged, and each carries its original's id.
    std::map<int, std::string> id_of_story;
    std::size_t reordered = 0;
    std::size_t place = 0;
    for (std::size_t i = 0; i < sent; ++i) {
      const auto received = Json::parse(listener.next_line());
      const auto& line = lines[i];
      CHECK(received["id"] == line["id"]);
      const bool redelivery = line["redelivery"].get<bool>();
      CHECK((received["outcome"] == "duplicate") == redelivery);
      const auto story = line["story"].get<int>();
      if (redelivery) {
        CHECK(id_of_story.at(story) == line["id"]);
        continue;
      }
      CHECK(id_of_story.emplace(story, line["id"].get<std::string>()).second);
      CHECK(story / 5 == static_cast<int>(place) / 5); // shuffled within windows of 5
      reordered += story != static_cast<int>(place) ? 1 : 0;
      ++place;
    }
    CHECK(id_of_story.size() == 30);
    CHECK(summary["reordered"] == reordered);

    // A redelivery is the same body under the same id (signed again), as stored by send.
    const auto exported = json_lines(run_linkhook({"store", "export", "--store", store}).out);
    REQUIRE(exported.size() == sent);
    std::map<std::string, std::set<std::string>> bodies;
    for (const auto& record : exported) {
      bodies[record["id"].get<std::string>()].insert(record["body"].get<std::string>());
    }
    CHECK(bodies.size() == 30);
    for (const auto& [id, variants] : bodies) {
      CHECK_MESSAGE(variants.size() == 1, id);
    }

    // The same seed, the same plan; another seed, another.
    auto again = args;
    again.push_back("--no-store");
    CHECK(plan_of(json_lines(send_to(listener.url(), again).out)) == plan_of(lines));
    again[8] = "12";
    CHECK(plan_of(json_lines(send_to(listener.url(), again).out)) != plan_of(lines));
  }

  TEST_CASE("the text summary counts redeliveries and reordered deliveries, and bad values are "
            "usage errors") {
    RunningListener listener({"--secret", k_test_secret, "--no-store", "--quiet"});
    auto r = send_to(listener.url(), {"link.clicked", "--count", "20", "--duplicates", "1",
                                      "--quiet", "--no-store"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("40 sent: 40 2xx, 0 failed\n20 of them redeliveries") != std::string::npos);
    r = send_to(listener.url(), {"link.clicked", "--duplicates", "1.5", "--no-store"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("--duplicates must be a probability") != std::string::npos);
    r = send_to(listener.url(), {"link.clicked", "--reorder", "0", "--no-store"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("--reorder must be") != std::string::npos);
  }
}
