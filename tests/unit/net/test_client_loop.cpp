#include "base/posix_file.hpp"
#include "net/client_loop.hpp"
#include "net/server.hpp"

#include <arpa/inet.h>
#include <atomic>
#include <chrono>
#include <doctest/doctest.h>
#include <functional>
#include <memory>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <vector>

using namespace linkhook;
using namespace std::chrono_literals;

namespace {

const Headers k_headers{{"Content-Type", "application/json"}, {"User-Agent", "test"}};

// An HttpServer on a free loopback port answering every request 200 with its body, from its own
// thread, counting requests.
class CountingServer {
public:
  CountingServer()
      : m_server(
            "127.0.0.1", 0,
            [this](const HttpRequest& request, HttpAnswer& answer,
                   const HttpServer::Later& /*later*/) {
              ++requests;
              answer.status = 200;
              answer.body = request.body;
            },
            ServerOptions{}) {
    m_thread = std::thread([this] { m_server.run(); });
  }
  CountingServer(const CountingServer&) = delete;
  CountingServer& operator=(const CountingServer&) = delete;
  ~CountingServer() {
    m_server.stop();
    m_thread.join();
  }

  Url url() const { return {"http", "127.0.0.1", m_server.port(), "/"}; }
  std::atomic<int> requests{0};

private:
  HttpServer m_server;
  std::thread m_thread;
};

// A loopback socket that listens and never accepts: connects complete (the backlog takes them),
// and no answer ever comes.
class SilentServer {
public:
  SilentServer() : m_socket(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    REQUIRE(::bind(m_socket.get(), reinterpret_cast<sockaddr*>(&address), size) == 0);
    REQUIRE(::listen(m_socket.get(), 64) == 0);
    REQUIRE(::getsockname(m_socket.get(), reinterpret_cast<sockaddr*>(&address), &size) == 0);
    m_port = ntohs(address.sin_port);
  }
  Url url() const { return {"http", "127.0.0.1", m_port, "/"}; }

private:
  FileDescriptor m_socket;
  int m_port = 0;
};

// A lane whose callbacks are functions, recording every outcome.
class ScriptedLane final : public PostLane {
public:
  ScriptedLane(ClientLoop& loop, const Url& url, double timeout_s = 5)
      : PostLane(loop, url, timeout_s, nullptr) {}

  std::function<void(ScriptedLane&)> on_begin;
  std::function<void(ScriptedLane&)> on_posted;
  std::function<void(ScriptedLane&)> on_woken;
  std::vector<DeliveryOutcome> outcomes;

  using PostLane::post;
  bool stopped() const { return loop().stopped(); }
  using PostLane::wait_elsewhere;
  using PostLane::wake_at;

private:
  void begin() override { call(on_begin); }
  void posted(DeliveryOutcome& outcome) override {
    outcomes.push_back(std::move(outcome));
    call(on_posted);
  }
  void woken() override { call(on_woken); }
  void call(const std::function<void(ScriptedLane&)>& f) {
    if (f) {
      f(*this);
    }
  }
};

std::vector<PostLane*> pointers(const std::vector<std::unique_ptr<ScriptedLane>>& lanes) {
  std::vector<PostLane*> out;
  for (const auto& lane : lanes) {
    out.push_back(lane.get());
  }
  return out;
}

} // namespace

TEST_SUITE("net/client_loop") {
  TEST_CASE("many lanes post one after another on one thread, each on its kept-alive connection") {
    CountingServer server;
    ClientLoop loop(nullptr);
    std::vector<std::unique_ptr<ScriptedLane>> lanes;
    for (int i = 0; i < 20; ++i) {
      auto lane = std::make_unique<ScriptedLane>(loop, server.url());
      lane->on_begin = [i](ScriptedLane& l) { l.post(k_headers, "lane " + std::to_string(i)); };
      lane->on_posted = [i](ScriptedLane& l) {
        if (l.outcomes.size() < 10) {
          l.post(k_headers, "lane " + std::to_string(i));
        }
      };
      lanes.push_back(std::move(lane));
    }
    loop.run(pointers(lanes));
    CHECK(server.requests == 200);
    for (std::size_t i = 0; i < lanes.size(); ++i) {
      REQUIRE(lanes[i]->outcomes.size() == 10);
      for (const auto& outcome : lanes[i]->outcomes) {
        CHECK(outcome.status == 200);
        CHECK(outcome.body_prefix == "lane " + std::to_string(i));
        CHECK(outcome.ms > 0);
      }
    }
  }

  TEST_CASE("a post with no answer ends at its deadline while the other lanes go on") {
    SilentServer silent;
    CountingServer server;
    ClientLoop loop(nullptr);
    std::vector<std::unique_ptr<ScriptedLane>> lanes;
    lanes.push_back(std::make_unique<ScriptedLane>(loop, silent.url(), 0.3));
    lanes.back()->on_begin = [](ScriptedLane& l) { l.post(k_headers, "{}"); };
    lanes.push_back(std::make_unique<ScriptedLane>(loop, server.url()));
    lanes.back()->on_begin = [](ScriptedLane& l) { l.post(k_headers, "{}"); };
    lanes.back()->on_posted = [](ScriptedLane& l) {
      if (l.outcomes.size() < 50) {
        l.post(k_headers, "{}");
      }
    };
    const auto start = std::chrono::steady_clock::now();
    loop.run(pointers(lanes));
    const auto took = std::chrono::steady_clock::now() - start;
    REQUIRE(lanes[0]->outcomes.size() == 1);
    CHECK(lanes[0]->outcomes[0].error == DeliveryError::timeout);
    CHECK(lanes[0]->outcomes[0].error_text == "no answer within 0.3s");
    CHECK(lanes[1]->outcomes.size() == 50);
    CHECK(took >= 300ms);
    CHECK(took < 3s);
  }

  TEST_CASE("a stop interrupts posts in flight and ends waits at once") {
    SilentServer silent;
    std::atomic<bool> stop{false};
    ClientLoop loop(&stop);
    std::vector<std::unique_ptr<ScriptedLane>> lanes;
    lanes.push_back(std::make_unique<ScriptedLane>(loop, silent.url(), 60));
    lanes.back()->on_begin = [](ScriptedLane& l) { l.post(k_headers, "{}"); };
    const auto start = std::chrono::steady_clock::now();
    // The stop comes 50 ms in, from a lane of the loop itself, while the others wait.
    lanes.push_back(std::make_unique<ScriptedLane>(loop, silent.url()));
    lanes.back()->on_begin = [start](ScriptedLane& l) { l.wake_at(start + 50ms); };
    lanes.back()->on_woken = [&stop](ScriptedLane& /*l*/) { stop = true; };
    bool woken_stopped = false;
    lanes.push_back(std::make_unique<ScriptedLane>(loop, silent.url()));
    lanes.back()->on_begin = [start](ScriptedLane& l) { l.wake_at(start + 60s); };
    lanes.back()->on_woken = [&](ScriptedLane& l) { woken_stopped = l.stopped(); };
    loop.run(pointers(lanes));
    CHECK(std::chrono::steady_clock::now() - start < 2s);
    REQUIRE(lanes[0]->outcomes.size() == 1);
    CHECK(lanes[0]->outcomes[0].error == DeliveryError::interrupted);
    CHECK(woken_stopped);
  }

  TEST_CASE("waits end in the order they fall due, whatever order they were asked for in") {
    CountingServer server;
    ClientLoop loop(nullptr);
    std::vector<int> woken;
    std::vector<std::unique_ptr<ScriptedLane>> lanes;
    const auto now = std::chrono::steady_clock::now();
    for (const int ms : {60, 20, 40, 0}) {
      lanes.push_back(std::make_unique<ScriptedLane>(loop, server.url()));
      lanes.back()->on_begin = [now, ms](ScriptedLane& l) {
        l.wake_at(now + std::chrono::milliseconds(ms));
      };
      lanes.back()->on_woken = [&woken, ms](ScriptedLane& /*l*/) { woken.push_back(ms); };
    }
    loop.run(pointers(lanes));
    CHECK(woken == std::vector<int>{0, 20, 40, 60});
  }

  TEST_CASE("a lane waiting on another thread is resumed from it") {
    CountingServer server;
    ClientLoop loop(nullptr);
    std::vector<std::unique_ptr<ScriptedLane>> lanes;
    lanes.push_back(std::make_unique<ScriptedLane>(loop, server.url()));
    std::thread elsewhere;
    int resumed = 0;
    lanes.back()->on_begin = [&](ScriptedLane& l) {
      l.wait_elsewhere();
      elsewhere = std::thread([&loop, &l] { loop.resume(l); });
    };
    lanes.back()->on_woken = [&](ScriptedLane& l) {
      if (++resumed == 1) {
        l.post(k_headers, "after");
      }
    };
    lanes.back()->on_posted = [](ScriptedLane& /*l*/) {};
    loop.run(pointers(lanes));
    elsewhere.join();
    CHECK(resumed == 1);
    REQUIRE(lanes[0]->outcomes.size() == 1);
    CHECK(lanes[0]->outcomes[0].body_prefix == "after");
  }

  TEST_CASE("posts that fail at once do not nest: thousands of refused connections in a row") {
    const Url closed = [] {
      SilentServer gone; // its port, once it is closed
      return gone.url();
    }();
    ClientLoop loop(nullptr);
    std::vector<std::unique_ptr<ScriptedLane>> lanes;
    lanes.push_back(std::make_unique<ScriptedLane>(loop, closed));
    lanes.back()->on_begin = [](ScriptedLane& l) { l.post(k_headers, "{}"); };
    lanes.back()->on_posted = [](ScriptedLane& l) {
      if (l.outcomes.size() < 3000) {
        l.post(k_headers, "{}");
      }
    };
    loop.run(pointers(lanes));
    REQUIRE(lanes[0]->outcomes.size() == 3000);
    CHECK(lanes[0]->outcomes.back().error == DeliveryError::refused);
  }

  TEST_CASE("a LoopSet spreads its lanes over loops on threads of their own, and runs them all") {
    CountingServer server;
    std::atomic<int> done{0};
    LoopSet lanes(100, nullptr, [&](ClientLoop& loop, std::size_t /*index*/) {
      auto lane = std::make_unique<ScriptedLane>(loop, server.url());
      lane->on_begin = [](ScriptedLane& l) { l.post(k_headers, "{}"); };
      lane->on_posted = [&done](ScriptedLane& l) {
        if (l.outcomes.back().status == 200) {
          ++done;
        }
        if (l.outcomes.size() < 5) {
          l.post(k_headers, "{}");
        }
      };
      return lane;
    });
    lanes.run([] {});
    CHECK(done == 500);
    CHECK(server.requests == 500);
  }
}
