#pragma once

#include <chrono>

// Deadlines for an event loop's connections without a thread per wait: a connection is a Timer,
// armed in at most one TimerList at a time. A list keeps its timers in the order they fall due,
// inserting from the back, so that arming is O(1) when, as for a loop's idle timeout, every
// timer of a list is armed for the same duration.
namespace linkhook {

using SteadyClock = std::chrono::steady_clock;

class TimerList;

class Timer {
public:
  Timer() = default;
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;
  ~Timer() { disarm(); }

  bool armed() const { return m_list != nullptr; }
  SteadyClock::time_point due() const { return m_due; }
  // The timer of its list that falls due next after it, or none.
  Timer* later() const { return m_next; }
  void disarm();

private:
  friend class TimerList;
  SteadyClock::time_point m_due{};
  Timer* m_prev = nullptr;
  Timer* m_next = nullptr;
  TimerList* m_list = nullptr;
};

class TimerList {
public:
  TimerList() = default;
  TimerList(const TimerList&) = delete;
  TimerList& operator=(const TimerList&) = delete;

  // Arms `timer` here (disarming it wherever it was armed) to fall due at `due`.
  void arm(Timer& timer, SteadyClock::time_point due) {
    timer.disarm();
    timer.m_due = due;
    timer.m_list = this;
    Timer* after = m_tail;
    while (after != nullptr && after->m_due > due) {
      after = after->m_prev;
    }
    timer.m_prev = after;
    timer.m_next = after != nullptr ? after->m_next : m_head;
    (timer.m_next != nullptr ? timer.m_next->m_prev : m_tail) = &timer;
    (after != nullptr ? after->m_next : m_head) = &timer;
  }

  // The timer that falls due first, or none.
  Timer* front() const { return m_head; }

private:
  friend class Timer;
  Timer* m_head = nullptr;
  Timer* m_tail = nullptr;
};

inline void Timer::disarm() {
  if (m_list == nullptr) {
    return;
  }
  (m_prev != nullptr ? m_prev->m_next : m_list->m_head) = m_next;
  (m_next != nullptr ? m_next->m_prev : m_list->m_tail) = m_prev;
  m_prev = m_next = nullptr;
  m_list = nullptr;
}

} // namespace linkhook
