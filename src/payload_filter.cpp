#include "payload_filter.hpp"

#include "text.hpp"

#include <charconv>
#include <fmt/format.h>

namespace linkhook {

namespace {

// SAX handler that validates and remembers the string value of the top-level "event" key.
class EventFinder : public nlohmann::json_sax<nlohmann::json> {
public:
  std::string event;
  std::string error;

  bool null() override { return value(); }
  bool boolean(bool) override { return value(); }
  bool number_integer(number_integer_t) override { return value(); }
  bool number_unsigned(number_unsigned_t) override { return value(); }
  bool number_float(number_float_t, const string_t&) override { return value(); }
  bool string(string_t& text) override {
    if (m_depth == 1 && m_event_key) {
      event = text;
    }
    return value();
  }
  bool binary(binary_t&) override { return value(); }
  bool start_object(std::size_t) override { return open(); }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(); }
  bool end_array() override { return close(); }
  bool key(string_t& name) override {
    m_event_key = m_depth == 1 && name == "event";
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
    error = e.what();
    return false;
  }

private:
  bool value() {
    m_event_key = false;
    return true;
  }
  bool open() {
    ++m_depth;
    return value();
  }
  bool close() {
    --m_depth;
    return true;
  }

  int m_depth = 0;
  bool m_event_key = false;
};

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
      const auto [end, ec] = std::from_chars(segment.data(), segment.data() + segment.size(), index);
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

PayloadScan scan_payload(std::string_view body) {
  EventFinder finder;
  PayloadScan scan;
  scan.json = nlohmann::json::sax_parse(body, &finder);
  if (!scan.json) {
    // nlohmann's message starts with "[json.exception.parse_error.101] parse error at ..."
    const auto start = finder.error.find("] ");
    scan.error = start == std::string::npos ? finder.error : finder.error.substr(start + 2);
  }
  scan.event = std::move(finder.event);
  return scan;
}

PayloadFilter::PayloadFilter(std::vector<std::string> event_globs,
                             const std::vector<std::string>& filters)
    : m_event_globs(std::move(event_globs)) {
  for (const auto& text : filters) {
    auto parsed = parse_assignment(text, "--filter");
    m_fields.push_back({std::move(parsed.path), nlohmann::json(parsed.value),
                        text.substr(text.find('=') + 1)});
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
    const bool text_matches =
        value != nullptr && value->is_string() &&
        glob_match(field.text, value->get_ref<const std::string&>());
    if (value == nullptr || !(text_matches || *value == field.value)) {
      return fmt::format("{} is {}, not {}", join_path(path, path.size()),
                         value == nullptr ? "missing" : value->dump(), field.text);
    }
  }
  return std::nullopt;
}

} // namespace linkhook
