#include "json_path.hpp"

#include "error.hpp"
#include "json_depth.hpp"
#include "text.hpp"

#include <charconv>
#include <fmt/format.h>

namespace linkhook {

namespace {

std::optional<std::size_t> array_index(const std::string& segment, std::size_t size) {
  std::size_t index = 0;
  const auto [end, ec] = std::from_chars(segment.data(), segment.data() + segment.size(), index);
  if (ec != std::errc() || end != segment.data() + segment.size() || index >= size) {
    return std::nullopt;
  }
  return index;
}

} // namespace

std::string join_path(const std::vector<std::string>& path, std::size_t count) {
  std::string result;
  for (std::size_t i = 0; i < count && i < path.size(); ++i) {
    result += (i == 0 ? "" : ".") + path[i];
  }
  return result;
}

Assignment parse_assignment(std::string_view text, std::string_view flag) {
  const auto equals = text.find('=');
  if (equals == std::string_view::npos) {
    throw Error(
        fmt::format("{} '{}' needs the form PATH=VALUE, e.g. data.link.title=Hi", flag, text));
  }
  Assignment assignment;
  const auto path = text.substr(0, equals);
  // JSON keys are UTF-8: two keys of other bytes would both be written as U+FFFD, one key twice.
  if (!is_valid_utf8(path)) {
    throw Error(fmt::format("{} '{}': the path is not UTF-8", flag, text));
  }
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto dot = std::min(path.find('.', start), path.size());
    if (dot == start) {
      throw Error(fmt::format("{} '{}': the path '{}' has an empty segment", flag, text, path));
    }
    assignment.path.emplace_back(path.substr(start, dot - start));
    start = dot + 1;
  }
  if (assignment.path.size() > static_cast<std::size_t>(k_max_json_depth)) {
    throw Error(fmt::format("{}: the path has {} levels; linkhook takes at most {}", flag,
                            assignment.path.size(), k_max_json_depth));
  }
  const auto value = text.substr(equals + 1);
  if (!nlohmann::ordered_json::accept(value)) {
    assignment.value = std::string(value);
    return assignment;
  }
  if (const auto depth = json_nesting_depth(value); depth > k_max_json_depth) {
    throw Error(fmt::format("{} {}=...: the value nests {} levels deep; linkhook takes at most {}",
                            flag, join_path(assignment.path, assignment.path.size()), depth,
                            k_max_json_depth));
  }
  assignment.value = nlohmann::ordered_json::parse(value);
  return assignment;
}

void apply_assignment(nlohmann::ordered_json& document, const Assignment& assignment) {
  nlohmann::ordered_json* node = &document;
  for (std::size_t i = 0; i < assignment.path.size(); ++i) {
    const auto& segment = assignment.path[i];
    if (node->is_array()) {
      const auto index = array_index(segment, node->size());
      if (!index) {
        throw Error(fmt::format("--set {}: {} is an array of {} items; '{}' is not an index in it",
                                join_path(assignment.path, assignment.path.size()),
                                join_path(assignment.path, i), node->size(), segment));
      }
      node = &(*node)[*index];
      continue;
    }
    if (node->is_null()) {
      *node = nlohmann::ordered_json::object();
    }
    if (!node->is_object()) {
      throw Error(fmt::format("--set {}: {} is a {}, not an object",
                              join_path(assignment.path, assignment.path.size()),
                              join_path(assignment.path, i), node->type_name()));
    }
    node = &(*node)[segment];
  }
  *node = assignment.value;
}

} // namespace linkhook
