#include "payload/json_path.hpp"

#include "base/error.hpp"
#include "base/json_depth.hpp"
#include "base/text.hpp"

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

// The child of `node` at `segment`: a key of an object, an index of an array; null when none.
const nlohmann::ordered_json* child(const nlohmann::ordered_json& node,
                                    const std::string& segment) {
  if (node.is_object()) {
    const auto found = node.find(segment);
    return found == node.end() || found->is_null() ? nullptr : &*found;
  }
  if (node.is_array()) {
    const auto index = array_index(segment, node.size());
    return index ? &node[*index] : nullptr;
  }
  return nullptr;
}

// Every path of `node` (inner ones too), "data.link.title" style, under `prefix`.
void all_paths(const nlohmann::ordered_json& node, const std::string& prefix,
               std::vector<std::string>& out) {
  std::size_t index = 0;
  for (const auto& [key, value] : node.items()) {
    const auto path =
        (prefix.empty() ? "" : prefix + ".") + (node.is_array() ? std::to_string(index++) : key);
    out.push_back(path);
    if (value.is_structured()) { // items() of a scalar would yield the scalar itself
      all_paths(value, path, out);
    }
  }
}

} // namespace

const nlohmann::ordered_json* value_at(const nlohmann::ordered_json& document,
                                       const std::vector<std::string>& path) {
  const nlohmann::ordered_json* node = &document;
  for (const auto& segment : path) {
    node = child(*node, segment);
    if (node == nullptr) {
      return nullptr;
    }
  }
  return node;
}

bool holds(const nlohmann::ordered_json& document, const Assignment& assignment) {
  const auto* node = value_at(document, assignment.path);
  return node != nullptr && (*node == assignment.value ||
                             (node->is_string() && !assignment.value.is_string() &&
                              node->get_ref<const std::string&>() == assignment.value.dump()));
}

std::optional<std::string> nearest_path(const nlohmann::ordered_json& document,
                                        const std::vector<std::string>& path) {
  const nlohmann::ordered_json* node = &document;
  std::vector<std::string> walked;
  for (const auto& segment : path) {
    const auto* next = child(*node, segment);
    if (next == nullptr && node->is_object()) {
      std::vector<std::string_view> keys;
      for (const auto& [key, value] : node->items()) {
        keys.push_back(key);
      }
      if (const auto match = closest_match(segment, keys)) {
        walked.emplace_back(*match);
        next = child(*node, walked.back());
      }
    } else if (next != nullptr) {
      walked.push_back(segment);
    }
    if (next == nullptr) {
      walked.clear();
      break;
    }
    node = next;
  }
  if (!walked.empty()) {
    return join_path(walked, walked.size());
  }
  // A field put under the wrong parent (data.country for data.click.country): the one path that
  // ends in the same key.
  std::vector<std::string> paths;
  all_paths(document, "", paths);
  std::optional<std::string> same_key;
  for (const auto& candidate : paths) {
    if (candidate.ends_with("." + path.back())) {
      if (same_key) {
        return std::nullopt;
      }
      same_key = candidate;
    }
  }
  return same_key;
}

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
