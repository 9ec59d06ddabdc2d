#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace linkhook {

// One `--set PATH=VALUE`: a dotted path (numbers index arrays) and the value to put there.
struct Assignment {
  std::vector<std::string> path;
  nlohmann::ordered_json value;
};

// Parses "data.link.title=Hi". VALUE is taken as JSON when it is valid JSON, else as a string.
// Throws Error naming the problem (no '=', an empty path or path segment, a path that is not
// UTF-8, a path or JSON value nested deeper than k_max_json_depth) and `flag`.
Assignment parse_assignment(std::string_view text, std::string_view flag = "--set");

// Sets the value, creating missing objects on the way; throws Error when the path runs through
// something that is not an object (or an array, for a numeric segment in range).
void apply_assignment(nlohmann::ordered_json& document, const Assignment& assignment);

// "data.link.title"
std::string join_path(const std::vector<std::string>& path, std::size_t count);

// The value (not null) `document` holds at `path`; null when it holds none.
const nlohmann::ordered_json* value_at(const nlohmann::ordered_json& document,
                                       const std::vector<std::string>& path);

// Whether `document` holds `assignment.value` at `assignment.path`: equal as JSON, or a string
// whose text is the value's (data.link.id=123 matches "123"), as `--filter PATH=VALUE` means it.
bool holds(const nlohmann::ordered_json& document, const Assignment& assignment);

// The path `document` has that is nearest to `path`: walked a segment at a time, each missing key
// replaced by its closest sibling (data.qr.id -> data.qr_code.id), else the one path that ends in
// the same key (data.country -> data.click.country). None when nothing is close enough.
std::optional<std::string> nearest_path(const nlohmann::ordered_json& document,
                                        const std::vector<std::string>& path);

} // namespace linkhook
