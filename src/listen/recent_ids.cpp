#include "listen/recent_ids.hpp"

#include <bit>
#include <functional>
#include <utility>

namespace linkhook {

RecentIds::RecentIds(std::size_t capacity)
    : m_capacity(std::max<std::size_t>(capacity, 1)), m_table(std::bit_ceil(2 * m_capacity), 0) {}

std::uint64_t RecentIds::hash_of(std::string_view id) {
  return std::hash<std::string_view>{}(id);
}

std::size_t RecentIds::find(std::string_view id, std::uint64_t hash) const {
  const auto mask = m_table.size() - 1;
  for (auto slot = hash & mask; m_table[slot] != 0; slot = (slot + 1) & mask) {
    const auto& entry = m_ring[m_table[slot] - 1];
    if (entry.hash == hash && entry.id == id) {
      return slot;
    }
  }
  return k_none;
}

bool RecentIds::insert(const std::string& id) {
  const auto hash = hash_of(id);
  if (find(id, hash) != k_none) {
    return false;
  }
  std::size_t position = m_ring.size();
  if (position < m_capacity) {
    m_ring.push_back({id, hash, true});
  } else {
    position = std::exchange(m_next, (m_next + 1) % m_capacity);
    auto& entry = m_ring[position];
    if (entry.live) { // the oldest id is forgotten
      remove_slot(find(entry.id, entry.hash));
      --m_size;
    }
    entry.id = id; // reuses the string's buffer
    entry.hash = hash;
    entry.live = true;
  }
  const auto mask = m_table.size() - 1;
  auto slot = hash & mask;
  while (m_table[slot] != 0) {
    slot = (slot + 1) & mask;
  }
  m_table[slot] = static_cast<std::uint32_t>(position + 1);
  ++m_size;
  return true;
}

void RecentIds::erase(std::string_view id) {
  const auto slot = find(id, hash_of(id));
  if (slot == k_none) {
    return;
  }
  m_ring[m_table[slot] - 1].live = false;
  remove_slot(slot);
  --m_size;
}

void RecentIds::remove_slot(std::size_t slot) {
  const auto mask = m_table.size() - 1;
  auto hole = slot;
  for (auto next = (hole + 1) & mask; m_table[next] != 0; next = (next + 1) & mask) {
    const auto home = m_ring[m_table[next] - 1].hash & mask;
    // The entry at `next` stays unless the hole lies between its home slot and it (cyclically):
    // then a probe from its home would stop at the hole, and it moves into it.
    const bool stays = hole <= next ? (hole < home && home <= next) : (hole < home || home <= next);
    if (!stays) {
      m_table[hole] = m_table[next];
      hole = next;
    }
  }
  m_table[hole] = 0;
}

} // namespace linkhook
