#pragma once

#include "payload/json_path.hpp"
#include "payload/scan.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace linkhook {

// `listen --events GLOB,... --filter PATH=VALUE...`: which deliveries a user cares about.
class PayloadFilter {
public:
  // Filters are "PATH=VALUE" like --set; throws Error for a malformed one.
  PayloadFilter(std::vector<std::string> event_globs, const std::vector<std::string>& filters);

  bool empty() const { return m_event_globs.empty() && m_fields.empty(); }
  bool needs_document() const { return !m_fields.empty(); }

  // nullopt when the payload passes; otherwise why it does not, for the delivery line.
  // `document` is the parsed body, needed only when needs_document().
  std::optional<std::string> rejects(std::string_view event, const nlohmann::json* document) const;

private:
  struct FieldFilter {
    std::vector<std::string> path;
    nlohmann::json value; // VALUE as JSON when valid JSON, else as a string
    std::string text;     // VALUE as typed, for globs on string fields
  };
  std::vector<std::string> m_event_globs;
  std::vector<FieldFilter> m_fields;
};

} // namespace linkhook
