#pragma once

#include <cstddef>
#include <functional>

namespace linkhook {

// Runs work(0) ... work(count - 1), each on a thread of its own, and returns once all ended.
// When one throws, `on_failure` runs (to make the others stop early) and, after all ended, the
// first exception is rethrown. Shared by send's and replay's workers.
void run_on_threads(std::size_t count, const std::function<void(std::size_t)>& work,
                    const std::function<void()>& on_failure);

} // namespace linkhook
