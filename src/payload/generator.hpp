#pragma once

#include "base/random.hpp"
#include "base/timestamp.hpp"
#include "payload/events.hpp"
#include "payload/json_path.hpp"
#include "payload/placeholder.hpp"

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace linkhook {

// Turns one fixture into payloads. The fixture is compiled once into literal text and slots, so
// each payload costs a few appends and random draws, not a JSON tree.
class PayloadGenerator {
public:
  // Throws Error for a fixture that is not JSON, an unknown placeholder, or a bad assignment.
  // Assigned values are taken literally: "{{...}}" in them is not a placeholder.
  PayloadGenerator(std::string_view fixture, std::span<const Assignment> assignments);

  // Appends one compact JSON payload (no newline) for the given time.
  void append(std::string& out, Random& random, UnixSeconds timestamp);

private:
  struct Segment {
    std::string literal; // written as is when slot is npos
    std::size_t slot;    // index into m_slots
  };
  struct Slot {
    Placeholder placeholder;
    std::size_t group; // index of the shared draw, for grouped kinds
    std::size_t uses;  // segments showing it; more than one keeps its value per payload
  };

  void compile(const nlohmann::ordered_json& node, std::vector<std::string>& path,
               std::span<const Assignment> assignments);
  void compile_string(const std::string& text);
  std::size_t slot_for(std::string_view text);
  void emit_literal(std::string_view text);

  std::vector<Segment> m_segments;
  std::vector<Slot> m_slots;
  std::vector<std::string> m_slot_texts; // what each slot was written as, to share equal ones
  std::vector<std::string> m_group_names;
  Sampler m_sampler{0};
  // Per payload: each slot's value, written on first use so equal slots agree.
  std::vector<std::string> m_values;
  std::vector<std::uint64_t> m_value_generation;
  std::uint64_t m_generation = 0;
};

} // namespace linkhook

namespace linkhook {

// The instant of the example on the Linkzly webhooks page: the time of every seeded payload that
// has no --timestamp, so that a seed alone reproduces the same bytes on any day.
inline constexpr UnixSeconds k_seeded_timestamp = 1760869800; // 2025-10-19T10:30:00Z

struct GenerateRequest {
  std::vector<const EventInfo*> events;
  std::uint64_t count = 1; // payloads of each event
  std::uint64_t seed = 0;
  UnixSeconds timestamp = 0;
  std::vector<Assignment> assignments;
  bool pretty = false;
};

// One line per assignment whose path some of `events` lack, such as "--set data.qr.id:
// qr.scanned has no such field, so it is created (did you mean 'data.qr_code.id'?)". A path that
// does not exist is created (as --set documents), but is more often a typo than meant.
// Throws Error, as generating would, for an assignment that cannot apply.
std::vector<std::string> created_path_notes(std::span<const EventInfo* const> events,
                                            std::span<const Assignment> assignments);

// Writes `count` rounds of one payload per event, each payload on its own line (indented over
// several lines when pretty), handing the text to `write` in chunks so memory stays flat.
void generate_payloads(const GenerateRequest& request,
                       const std::function<void(std::string_view)>& write);

} // namespace linkhook
