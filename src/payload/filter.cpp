#include "payload/filter.hpp"

#include "base/text.hpp"

#include <charconv>
#include <fmt/format.h>

namespace linkhook {

namespace {

const nlohmann::json* find_path(const nlohmann::json& document,
                                const std::vector<std::string>& path) {
  const nlohmann::json* node = &document;
  for (const auto& segment : path) {
    if (node->is_object()) {
      const auto it = node->find(segment);
      if (it == node->end()) {
        return nullptr;
      }
      node = &*it;
    } else if (node->is_array()) {
      std::size_t index = 0;
      const auto [end, ec] =
          std::from_chars(segment.data(), segment.data() + segment.size(), index);
      if (ec != std::errc() || end != segment.data() + segment.size() || index >= node->size()) {
        return nullptr;
      }
      node = &(*node)[index];
    } else {
      return nullptr;
    }
  }
  return node;
}

} // namespace

PayloadFilter::PayloadFilter(std::vector<std::string> event_globs,
                             const std::vector<std::string>& filters)
    : m_event_globs(std::move(event_globs)) {
  for (const auto& text : filters) {
    auto parsed = parse_assignment(text, "--filter");
    m_fields.push_back(
        {std::move(parsed.path), nlohmann::json(parsed.value), text.substr(text.find('=') + 1)});
  }
}

std::optional<std::string> PayloadFilter::rejects(std::string_view event,
                                                  const nlohmann::json* document) const {
  if (!m_event_globs.empty()) {
    bool matched = false;
    for (const auto& glob : m_event_globs) {
      matched = matched || glob_match(glob, event);
    }
    if (!matched) {
      return fmt::format("event '{}' is not in --events", event);
    }
  }
  for (const auto& field : m_fields) {
    const auto& path = field.path;
    const auto* value = document == nullptr ? nullptr : find_path(*document, path);
    const bool text_matches = value != nullptr && value->is_string() &&
                              glob_match(field.text, value->get_ref<const std::string&>());
    if (value == nullptr || !(text_matches || *value == field.value)) {
      return fmt::format("{} is {}, not {}", join_path(path, path.size()),
                         value == nullptr ? "missing" : value->dump(), field.text);
    }
  }
  return std::nullopt;
}

} // namespace linkhook
