#include "net/inbox.hpp"

#include <doctest/doctest.h>
#include <memory>
#include <poll.h>
#include <thread>
#include <vector>

using linkhook::Inbox;

namespace {

bool readable(int fd) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 0) == 1;
}

} // namespace

TEST_SUITE("net/inbox") {
  TEST_CASE("a burst of items costs one wake-up, and they come out oldest first") {
    Inbox<int> inbox;
    int a = 1;
    int b = 2;
    CHECK_FALSE(readable(inbox.fd()));
    inbox.put(&a);
    inbox.put(&b);
    CHECK(readable(inbox.fd()));
    std::vector<int*> out;
    inbox.take(out);
    CHECK(out == std::vector<int*>{&a, &b});
    CHECK_FALSE(readable(inbox.fd()));
    inbox.take(out);
    CHECK(out.empty());
  }

  TEST_CASE("the loop may destroy the inbox as soon as it has taken the last item") {
    // A loop that is stopping takes the last answer and ends, and its inbox goes with it, while
    // the thread that put the answer may still be in put(): put must touch nothing of the inbox
    // once the item can be taken. Under AddressSanitizer a late touch is a use after free.
    int item = 0;
    std::vector<int*> out;
    for (int round = 0; round < 2000; ++round) {
      auto inbox = std::make_unique<Inbox<int>>();
      std::thread putter([&item, raw = inbox.get()] { raw->put(&item); });
      do {
        inbox->take(out); // without waiting for the wake-up: the item may be there before it
      } while (out.empty());
      inbox.reset();
      putter.join();
    }
    CHECK(out.size() == 1);
  }
}
