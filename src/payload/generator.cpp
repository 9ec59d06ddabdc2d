#include "payload/generator.hpp"

#include "base/error.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <fmt/ranges.h>

namespace linkhook {

namespace {

constexpr std::size_t k_literal = static_cast<std::size_t>(-1);

bool is_assigned(const std::vector<std::string>& path, std::span<const Assignment> assignments) {
  return std::any_of(assignments.begin(), assignments.end(), [&](const Assignment& a) {
    return a.path.size() <= path.size() && std::equal(a.path.begin(), a.path.end(), path.begin());
  });
}

// JSON text of a value; bytes that are not UTF-8 become U+FFFD rather than an exception.
std::string dump(const nlohmann::ordered_json& value) {
  return value.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string quoted(const std::string& text) {
  return dump(nlohmann::ordered_json(text));
}

} // namespace

PayloadGenerator::PayloadGenerator(std::string_view fixture,
                                   std::span<const Assignment> assignments) {
  auto document = nlohmann::ordered_json::parse(fixture, nullptr, false);
  if (document.is_discarded() || !document.is_object()) {
    throw Error("fixture is not a JSON object");
  }
  for (const auto& assignment : assignments) {
    apply_assignment(document, assignment);
  }
  std::vector<std::string> path;
  compile(document, path, assignments);
  for (const auto& segment : m_segments) {
    if (segment.slot != k_literal) {
      m_slots[segment.slot].uses++;
    }
  }
  m_sampler = Sampler(m_group_names.size());
  m_values.resize(m_slots.size());
  m_value_generation.resize(m_slots.size());
}

void PayloadGenerator::emit_literal(std::string_view text) {
  if (!m_segments.empty() && m_segments.back().slot == k_literal) {
    m_segments.back().literal += text;
  } else {
    m_segments.push_back({std::string(text), k_literal});
  }
}

std::size_t PayloadGenerator::slot_for(std::string_view text) {
  const auto known = std::find(m_slot_texts.begin(), m_slot_texts.end(), text);
  if (known != m_slot_texts.end()) {
    return static_cast<std::size_t>(known - m_slot_texts.begin());
  }
  Placeholder placeholder = parse_placeholder(text);
  std::size_t group = 0;
  if (!placeholder.group.empty()) {
    const auto it = std::find(m_group_names.begin(), m_group_names.end(), placeholder.group);
    group = static_cast<std::size_t>(it - m_group_names.begin());
    if (it == m_group_names.end()) {
      m_group_names.push_back(placeholder.group);
    }
  }
  m_slots.push_back({std::move(placeholder), group, 0});
  m_slot_texts.emplace_back(text);
  return m_slots.size() - 1;
}

void PayloadGenerator::compile_string(const std::string& text) {
  // A string that is exactly one numeric placeholder becomes a bare JSON number.
  if (text.starts_with("{{") && text.ends_with("}}") && text.find("{{", 2) == std::string::npos) {
    const auto slot = slot_for(std::string_view(text).substr(2, text.size() - 4));
    if (m_slots[slot].placeholder.numeric()) {
      m_segments.push_back({{}, slot});
      return;
    }
  }
  emit_literal("\"");
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto open = text.find("{{", pos);
    const auto close = open == std::string::npos ? open : text.find("}}", open + 2);
    if (close == std::string::npos) {
      const std::string rest = quoted(text.substr(pos));
      emit_literal(std::string_view(rest).substr(1, rest.size() - 2));
      break;
    }
    const std::string before = quoted(text.substr(pos, open - pos));
    emit_literal(std::string_view(before).substr(1, before.size() - 2));
    m_segments.push_back({{}, slot_for(std::string_view(text).substr(open + 2, close - open - 2))});
    pos = close + 2;
  }
  emit_literal("\"");
}

void PayloadGenerator::compile(const nlohmann::ordered_json& node, std::vector<std::string>& path,
                               std::span<const Assignment> assignments) {
  if (node.is_object() || node.is_array()) {
    const bool object = node.is_object();
    emit_literal(object ? "{" : "[");
    std::size_t index = 0;
    for (const auto& [key, child] : node.items()) {
      emit_literal(index == 0 ? "" : ",");
      if (object) {
        emit_literal(quoted(key) + ":");
      }
      path.push_back(object ? key : std::to_string(index));
      compile(child, path, assignments);
      path.pop_back();
      ++index;
    }
    emit_literal(object ? "}" : "]");
  } else if (node.is_string() && !is_assigned(path, assignments)) {
    compile_string(node.get_ref<const std::string&>());
  } else {
    emit_literal(dump(node));
  }
}

void PayloadGenerator::append(std::string& out, Random& random, UnixSeconds timestamp) {
  ++m_generation;
  m_sampler.start(timestamp);
  for (const auto& segment : m_segments) {
    if (segment.slot == k_literal) {
      out += segment.literal;
      continue;
    }
    const auto& slot = m_slots[segment.slot];
    if (slot.uses == 1) { // used once: straight into the output, no copy
      m_sampler.append(out, slot.placeholder, slot.group, random);
      continue;
    }
    auto& value = m_values[segment.slot];
    if (m_value_generation[segment.slot] != m_generation) {
      m_value_generation[segment.slot] = m_generation;
      value.clear();
      m_sampler.append(value, slot.placeholder, slot.group, random);
    }
    out += value;
  }
}

std::vector<std::string> created_path_notes(std::span<const EventInfo* const> events,
                                            std::span<const Assignment> assignments) {
  std::vector<nlohmann::ordered_json> fixtures;
  for (const auto* event : events) {
    fixtures.push_back(nlohmann::ordered_json::parse(event->fixture));
    // An assignment that cannot apply is an error, which must come before any note about it.
    auto applied = fixtures.back();
    for (const auto& assignment : assignments) {
      apply_assignment(applied, assignment);
    }
  }
  std::vector<std::string> notes;
  for (const auto& assignment : assignments) {
    std::vector<std::string_view> lacking;
    std::optional<std::string> nearest;
    for (std::size_t i = 0; i < events.size(); ++i) {
      if (value_at(fixtures[i], assignment.path) == nullptr) {
        lacking.push_back(events[i]->name);
        nearest = nearest ? nearest : nearest_path(fixtures[i], assignment.path);
      }
    }
    if (lacking.empty()) {
      continue;
    }
    const auto who = lacking.size() == 1 ? fmt::format("{} has", lacking.front())
                                         : fmt::format("{} of the events ({}) have", lacking.size(),
                                                       fmt::join(lacking, ", "));
    notes.push_back(fmt::format("--set {}: {} no such field, so it is created{}",
                                join_path(assignment.path, assignment.path.size()), who,
                                nearest ? fmt::format(" (did you mean '{}'?)", *nearest) : ""));
  }
  return notes;
}

void generate_payloads(const GenerateRequest& request,
                       const std::function<void(std::string_view)>& write) {
  std::vector<PayloadGenerator> generators;
  for (const auto* event : request.events) {
    generators.emplace_back(event->fixture, request.assignments);
  }
  Random random(request.seed);
  std::string buffer;
  std::string payload;
  constexpr std::size_t k_chunk = 1 << 16;
  buffer.reserve(2 * k_chunk);
  for (std::uint64_t round = 0; round < request.count; ++round) {
    for (auto& generator : generators) {
      if (request.pretty) {
        payload.clear();
        generator.append(payload, random, request.timestamp);
        buffer += nlohmann::ordered_json::parse(payload).dump(2);
      } else {
        generator.append(buffer, random, request.timestamp);
      }
      buffer += '\n';
      if (buffer.size() >= k_chunk) {
        write(buffer);
        buffer.clear();
      }
    }
  }
  write(buffer);
}

} // namespace linkhook
