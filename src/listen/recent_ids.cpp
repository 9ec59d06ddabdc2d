#include "listen/recent_ids.hpp"

namespace linkhook {

bool RecentIds::insert(const std::string& id) {
  if (m_ids.contains(id)) {
    return false;
  }
  const auto& entry = m_order.emplace_back(id, m_next++);
  m_ids.emplace(entry.first, entry.second);
  while (m_order.size() > m_capacity) {
    // An id erased and inserted again has a newer entry; only its own entry may forget it.
    const auto& [oldest, when] = m_order.front();
    const auto it = m_ids.find(oldest);
    if (it != m_ids.end() && it->second == when) {
      m_ids.erase(it);
    }
    m_order.pop_front();
  }
  return true;
}

} // namespace linkhook
