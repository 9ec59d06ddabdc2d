#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace linkhook {

// The delivery ids a listener acknowledged most recently, for duplicate detection with memory
// that stays flat however long it runs: past `capacity` ids, the oldest is forgotten.
class RecentIds {
public:
  // Its table is sized for `capacity` at once: never rehashed while it fills.
  explicit RecentIds(std::size_t capacity) : m_capacity(capacity) { m_ids.reserve(capacity + 1); }

  // Records `id`; false when it is already recorded (a duplicate).
  bool insert(const std::string& id);

  // Forgets `id` (its delivery was not acknowledged after all).
  void erase(const std::string& id) { m_ids.erase(id); }

  bool contains(std::string_view id) const { return m_ids.contains(id); }

  std::size_t size() const { return m_ids.size(); }

private:
  std::size_t m_capacity;
  std::uint64_t m_next = 0;
  // The ids are kept once, in m_order (a deque never moves its elements); m_ids views them.
  std::deque<std::pair<std::string, std::uint64_t>> m_order;
  std::unordered_map<std::string_view, std::uint64_t> m_ids; // id → when it was recorded
};

} // namespace linkhook
