#include "base/error.hpp"
#include "store/location.hpp"

#include <doctest/doctest.h>
#include <map>

using namespace linkhook;

namespace {

EnvLookup env_of(std::map<std::string, std::string, std::less<>> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    const auto it = vars.find(name);
    return it != vars.end() ? std::optional(it->second) : std::nullopt;
  };
}

} // namespace

TEST_SUITE("store/location") {
  TEST_CASE("--store wins over the environment") {
    CHECK(store_location("/flag", env_of({{"LINKHOOK_STORE", "/env"}, {"HOME", "/h"}})) == "/flag");
  }

  TEST_CASE("LINKHOOK_STORE, then XDG_STATE_HOME, then HOME") {
    CHECK(store_location({}, env_of({{"LINKHOOK_STORE", "/env"}, {"XDG_STATE_HOME", "/x"}})) ==
          "/env");
    CHECK(store_location({}, env_of({{"XDG_STATE_HOME", "/x"}, {"HOME", "/h"}})) == "/x/linkhook");
    CHECK(store_location({}, env_of({{"HOME", "/h"}})) == "/h/.local/state/linkhook");
  }

  TEST_CASE("empty variables count as unset, and a relative XDG_STATE_HOME is ignored") {
    CHECK(store_location(
              {}, env_of({{"LINKHOOK_STORE", ""}, {"XDG_STATE_HOME", ""}, {"HOME", "/h"}})) ==
          "/h/.local/state/linkhook");
    CHECK(store_location({}, env_of({{"XDG_STATE_HOME", "rel"}, {"HOME", "/h"}})) ==
          "/h/.local/state/linkhook");
  }

  TEST_CASE("no place at all, or an empty --store, is a usage error") {
    CHECK_THROWS_AS(store_location({}, env_of({})), Error);
    CHECK_THROWS_AS(store_location("", env_of({{"HOME", "/h"}})), Error);
  }
}
