#include "listen/recent_ids.hpp"

#include <bit>
#include <functional>
#include <utility>

namespace linkhook {

namespace {

std::size_t position_in(std::uint64_t value) {
  return static_cast<std::size_t>(value & 0xffffffffU) - 1;
}

std::uint32_t tag_in(std::uint64_t value) {
  return static_cast<std::uint32_t>(value >> 32);
}

} // namespace

RecentIds::RecentIds(std::size_t capacity)
    : m_capacity(std::max<std::size_t>(capacity, 1)), m_table(std::bit_ceil(2 * m_capacity), 0) {}

std::uint32_t RecentIds::tag_of(std::string_view id) {
  return static_cast<std::uint32_t>(std::hash<std::string_view>{}(id) >> 32);
}

std::size_t RecentIds::find(std::string_view id, std::uint32_t tag) const {
  const auto mask = m_table.size() - 1;
  for (std::size_t slot = tag & mask; m_table[slot] != 0; slot = (slot + 1) & mask) {
    if (tag_in(m_table[slot]) == tag && m_ring[position_in(m_table[slot])].id == id) {
      return slot;
    }
  }
  return k_none;
}

std::size_t RecentIds::find_position(std::size_t position, std::uint32_t tag) const {
  const auto mask = m_table.size() - 1;
  const auto value = slot_value(tag, position);
  std::size_t slot = tag & mask;
  while (m_table[slot] != value) {
    slot = (slot + 1) & mask;
  }
  return slot;
}

bool RecentIds::insert(const std::string& id) {
  const auto tag = tag_of(id);
  if (find(id, tag) != k_none) {
    return false;
  }
  std::size_t position = m_ring.size();
  if (position < m_capacity) {
    m_ring.push_back({id, tag, true});
  } else {
    position = std::exchange(m_next, (m_next + 1) % m_capacity);
    auto& entry = m_ring[position];
    if (entry.live) { // the oldest id is forgotten
      remove_slot(find_position(position, entry.tag));
      --m_size;
    }
    entry.id = id; // reuses the string's buffer
    entry.tag = tag;
    entry.live = true;
  }
  const auto mask = m_table.size() - 1;
  std::size_t slot = tag & mask;
  while (m_table[slot] != 0) {
    slot = (slot + 1) & mask;
  }
  m_table[slot] = slot_value(tag, position);
  ++m_size;
  return true;
}

void RecentIds::erase(std::string_view id) {
  const auto slot = find(id, tag_of(id));
  if (slot == k_none) {
    return;
  }
  m_ring[position_in(m_table[slot])].live = false;
  remove_slot(slot);
  --m_size;
}

void RecentIds::remove_slot(std::size_t slot) {
  const auto mask = m_table.size() - 1;
  auto hole = slot;
  for (auto next = (hole + 1) & mask; m_table[next] != 0; next = (next + 1) & mask) {
    const std::size_t home = tag_in(m_table[next]) & mask;
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
