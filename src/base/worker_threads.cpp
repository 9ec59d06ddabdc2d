#include "base/worker_threads.hpp"

#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace linkhook {

void run_on_threads(std::size_t count, const std::function<void(std::size_t)>& work,
                    const std::function<void()>& on_failure) {
  std::mutex mutex;
  std::exception_ptr failure;
  {
    std::vector<std::jthread> threads;
    for (std::size_t i = 0; i < count; ++i) {
      threads.emplace_back([&, i] {
        try {
          work(i);
        } catch (...) {
          {
            std::lock_guard lock(mutex);
            if (!failure) {
              failure = std::current_exception();
            }
          }
          on_failure();
        }
      });
    }
  } // joins
  if (failure) {
    std::rethrow_exception(failure);
  }
}

} // namespace linkhook
