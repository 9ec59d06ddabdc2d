#pragma once

#include <cstdint>
#include <span>

namespace linkhook {

// A small, fast, seedable generator (xoshiro256**, seeded through SplitMix64). Its output for a
// seed is fixed by this code alone, not by the standard library, so the same seed gives the same
// payloads on every platform and compiler.
class Random {
public:
  explicit Random(std::uint64_t seed);

  // A seed from the operating system's entropy source.
  static std::uint64_t fresh_seed();

  std::uint64_t next();

  // Uniform in [0, bound); bound must be positive.
  std::uint64_t below(std::uint64_t bound);

  // Uniform in [low, high].
  std::int64_t between(std::int64_t low, std::int64_t high);

  template <typename T>
  const T& pick(std::span<const T> items) {
    return items[below(items.size())];
  }

private:
  std::uint64_t m_state[4];
};

} // namespace linkhook
