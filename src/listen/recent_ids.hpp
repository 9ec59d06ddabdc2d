#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace linkhook {

// The delivery ids a listener acknowledged most recently, for duplicate detection with memory
// that stays flat however long it runs: past `capacity` ids, the oldest is forgotten.
//
// The ids are kept in a ring, in the order they came, and found through an open-addressing
// table (linear probing, a power of two at least twice the capacity) whose slots hold a ring
// position and 32 bits of the id's hash: a probe reads the ring only when those match, and no
// allocation is made per id once the ring's strings have grown. On the listener's path of every
// delivery, the node-based map this replaced took a tenth of its time.
class RecentIds {
public:
  explicit RecentIds(std::size_t capacity);

  // Records `id`; false when it is already recorded (a duplicate).
  bool insert(const std::string& id);

  // Forgets `id` (its delivery was not acknowledged after all).
  void erase(std::string_view id);

  bool contains(std::string_view id) const { return find(id, tag_of(id)) != k_none; }

  std::size_t size() const { return m_size; }

private:
  static constexpr std::size_t k_none = ~std::size_t{0};
  struct Entry {
    std::string id;
    std::uint32_t tag = 0; // its hash's high 32 bits
    bool live = false;     // recorded, not erased since
  };

  // The high 32 bits of the id's hash: its home slot is tag & mask.
  static std::uint32_t tag_of(std::string_view id);
  static std::uint64_t slot_value(std::uint32_t tag, std::size_t position) {
    return (std::uint64_t{tag} << 32) | (position + 1);
  }
  // The table slot that holds `id`, or k_none.
  std::size_t find(std::string_view id, std::uint32_t tag) const;
  // The table slot that holds ring position `position`, whose id has `tag`.
  std::size_t find_position(std::size_t position, std::uint32_t tag) const;
  // Empties `slot`, moving the entries probed past it back so that they are still found.
  void remove_slot(std::size_t slot);

  std::size_t m_capacity;
  std::vector<Entry> m_ring;          // grows to m_capacity, then wraps around
  std::size_t m_next = 0;             // once full, the ring position the next id takes: the oldest
  std::vector<std::uint64_t> m_table; // slot_value(); 0: empty
  std::size_t m_size = 0;
};

} // namespace linkhook
