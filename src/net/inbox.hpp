#pragma once

#include "base/error.hpp"
#include "base/posix_file.hpp"

#include <cerrno>
#include <cstdint>
#include <mutex>
#include <sys/eventfd.h>
#include <unistd.h>
#include <vector>

// What other threads hand to an event loop: items in a locked list, and an eventfd that the loop
// polls. The eventfd is written only when the list was empty, so that a burst of items (a store
// batch's answers, say) costs one wake-up, not one per item.
namespace linkhook {

template <typename T>
class Inbox {
public:
  // Throws Error when the eventfd cannot be made.
  Inbox() : m_event(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
    if (!m_event) {
      throw Error(system_message("cannot set up an event loop", errno));
    }
  }
  Inbox(const Inbox&) = delete;
  Inbox& operator=(const Inbox&) = delete;

  // What the loop polls for EPOLLIN.
  int fd() const { return m_event.get(); }

  // From any thread. The wake-up is written under the lock: once the item can be taken, this
  // thread touches nothing of the inbox, which the loop may then be done with and destroy (a
  // stopping loop that takes its last answer, say).
  void put(T* item) {
    const std::lock_guard lock(m_mutex);
    if (m_items.empty()) {
      wake();
    }
    m_items.push_back(item);
  }
  // Wakes the loop with nothing put (to see a flag it polls, say).
  void wake() {
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto written = ::write(m_event.get(), &one, sizeof one);
  }

  // From the loop, once fd() is readable: what was put since, oldest first (into `out`, which is
  // emptied first).
  void take(std::vector<T*>& out) {
    std::uint64_t count = 0;
    [[maybe_unused]] const auto taken = ::read(m_event.get(), &count, sizeof count);
    out.clear();
    const std::lock_guard lock(m_mutex);
    out.swap(m_items);
  }

private:
  FileDescriptor m_event;
  std::mutex m_mutex;
  std::vector<T*> m_items;
};

} // namespace linkhook
