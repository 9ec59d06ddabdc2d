#pragma once

#include "base/random.hpp"
#include "base/timestamp.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace linkhook {

// A "{{kind}}" or "{{kind:argument}}" slot of a fixture; fixtures/README.md lists the kinds.
// Slots of one group (the country and city of one location, say) share a single draw per payload,
// so a payload's values agree with each other.
struct Placeholder {
  enum class Kind {
    timestamp,
    before,
    after,
    code,
    token,
    integer,
    pick,
    ip,
    country,
    city,
    device,
    os,
    browser,
    user_agent,
    referrer,
    first_name,
    last_name,
    name,
    email,
    url,
    title,
    domain,
    plan_from,
    plan_to,
    milestone,
    milestone_label,
  };

  Kind kind;
  std::string argument;
  std::string group;                // kinds that share a draw: "family:argument"; else empty
  std::int64_t low = 0;             // integer
  std::int64_t high = 0;            // integer
  std::vector<std::string> options; // pick, each already escaped for a JSON string

  // True when the value is a JSON number rather than text.
  bool numeric() const { return kind == Kind::integer || kind == Kind::milestone; }
};

// Parses the text between "{{" and "}}"; throws Error naming the problem.
Placeholder parse_placeholder(std::string_view text);

// Writes placeholder values for one payload at a time. Group draws are indexed by the caller
// (see PayloadGenerator), so writing a value costs no lookup.
class Sampler {
public:
  explicit Sampler(std::size_t group_count) : m_draws(group_count), m_drawn(group_count) {}

  // Starts a new payload: forgets every group draw.
  void start(UnixSeconds timestamp);

  void append(std::string& out, const Placeholder& slot, std::size_t group, Random& random);

private:
  std::uint64_t draw(std::size_t group, Random& random);

  UnixSeconds m_timestamp = 0;
  std::string m_timestamp_text; // formatted once, as most runs stamp every payload alike
  std::uint64_t m_generation = 1;
  std::vector<std::uint64_t> m_draws;
  std::vector<std::uint64_t> m_drawn; // the generation each draw belongs to
};

} // namespace linkhook
