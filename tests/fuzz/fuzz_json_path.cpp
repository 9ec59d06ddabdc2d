// libFuzzer target: `--set PATH=VALUE` (send, generate) and `--filter` take text from users and
// scripts. parse_assignment must take any text, refusing it with an Error at worst, and a payload
// generated with the assignments applied must be JSON holding the assigned value at its path.
// Input: one assignment per line; they are applied in order to the first event's fixture.
#include "base/error.hpp"
#include "base/random.hpp"
#include "base/text.hpp"
#include "fuzz_check.hpp"
#include "payload/events.hpp"
#include "payload/generator.hpp"
#include "payload/json_path.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace linkhook;
using Json = nlohmann::ordered_json;

constexpr UnixSeconds k_now = 1614265330;

std::vector<Assignment> parse_lines(std::string_view input) {
  std::vector<Assignment> assignments;
  while (!input.empty()) {
    const auto line = input.substr(0, input.find('\n'));
    input.remove_prefix(std::min(line.size() + 1, input.size()));
    const auto assignment = parse_assignment(line);
    FUZZ_CHECK(!assignment.path.empty() &&
               is_valid_utf8(join_path(assignment.path, assignment.path.size())));
    for (const auto& segment : assignment.path) {
      FUZZ_CHECK(!segment.empty() && segment.find('.') == std::string::npos);
    }
    // The path as messages show it reads back as the same path.
    FUZZ_CHECK(parse_assignment(join_path(assignment.path, assignment.path.size()) + "=1").path ==
               assignment.path);
    assignments.push_back(assignment);
  }
  return assignments;
}

// JSON text of `value` as payloads are written: bytes that are not UTF-8 become U+FFFD.
std::string dump(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// The value at `path` in `document`, or null when the path leads nowhere.
const Json* find_path(const Json& document, const std::vector<std::string>& path) {
  const Json* node = &document;
  for (const auto& segment : path) {
    if (node->is_object()) {
      const auto found = node->find(segment);
      if (found == node->end()) {
        return nullptr;
      }
      node = &*found;
    } else if (node->is_array()) {
      const auto index = std::stoull(segment); // apply_assignment accepted it as an index
      node = &(*node)[index];
    } else {
      return nullptr;
    }
  }
  return node;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  try {
    const auto assignments = parse_lines(input);
    if (assignments.empty()) {
      return 0;
    }
    PayloadGenerator generator(events().front().fixture, assignments);
    Random random(1);
    std::string payload;
    generator.append(payload, random, k_now);
    const auto document = Json::parse(payload, nullptr, false);
    FUZZ_CHECK(!document.is_discarded());
    // The last assignment wins at its path; bytes that are not UTF-8 are written as U+FFFD.
    const auto& last = assignments.back();
    const auto* value = find_path(document, last.path);
    FUZZ_CHECK(value != nullptr);
    FUZZ_CHECK(*value == Json::parse(dump(last.value)));
  } catch (const Error&) {
    // A malformed assignment, or a path through something that is not an object, is refused.
  }
  return 0;
}
