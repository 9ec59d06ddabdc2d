// listen when the world around it fails: the store's disk fills up, the application behind
// --forward-to comes and goes, the wall clock jumps.
#include "cli_helpers.hpp"
#include "listener_fixture.hpp"
#include "raw_client.hpp"
#include "temp_dir.hpp"

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

using namespace linkhook::test;
using Json = nlohmann::json;

namespace {

const std::string k_body = R"({"event":"link.clicked","data":{"n":1}})";

// How many times each id is in the store; `store list` must read it without an error.
std::map<std::string, int> stored_ids(const TempDir& store) {
  const auto listed = run_linkhook({"store", "list", "--json", "--store", store.path().string()});
  REQUIRE_MESSAGE(listed.exit_code == 0, listed.err);
  std::map<std::string, int> ids;
  for (const auto& line : lines_of(listed.out)) {
    ++ids[Json::parse(line).at("id").get<std::string>()];
  }
  return ids;
}

httplib::Result deliver(const RunningListener& listener, const std::string& id,
                        const std::vector<std::string>& sign_args = {}) {
  auto args = sign_args;
  args.insert(args.end(), {"--id", id});
  return post(listener.url(), signed_headers(k_body, args), k_body);
}

// The application behind --forward-to: a cpp-httplib server that answers `status` and notes
// the ids it answered 2xx; started and stopped on one port, to come and go.
class App {
public:
  App() {
    start(200);
    stop();
  }
  App(const App&) = delete;
  App& operator=(const App&) = delete;
  ~App() { stop(); }

  void start(int status) {
    m_server = std::make_unique<httplib::Server>();
    m_server->Post(".*",
                   [this, status](const httplib::Request& request, httplib::Response& response) {
                     if (status / 100 == 2) {
                       const std::lock_guard lock(m_mutex);
                       m_accepted.insert(request.get_header_value("webhook-id"));
                     }
                     response.status = status;
                   });
    // Bound means listening: connections queue in the kernel until the accept loop runs.
    if (m_port == 0) {
      m_port = m_server->bind_to_any_port("127.0.0.1");
    } else {
      REQUIRE(m_server->bind_to_port("127.0.0.1", m_port));
    }
    m_thread = std::thread([server = m_server.get()] { server->listen_after_bind(); });
  }

  void stop() {
    if (!m_server) {
      return;
    }
    while (!m_server->is_running()) { // a stop() before the accept loop runs would be lost
      std::this_thread::yield();
    }
    m_server->stop();
    m_thread.join();
    m_server.reset();
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port) + "/app"; }

  bool accepted(const std::string& id) {
    const std::lock_guard lock(m_mutex);
    return m_accepted.count(id) == 1;
  }

private:
  int m_port = 0;
  std::unique_ptr<httplib::Server> m_server;
  std::thread m_thread;
  std::mutex m_mutex;
  std::set<std::string> m_accepted;
};

// libfaketime, where the Debian package faketime put it; empty when it is not installed.
std::string libfaketime() {
  for (const char* path : {"/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
                           "/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1",
                           "/usr/lib/faketime/libfaketime.so.1"}) {
    if (std::filesystem::exists(path)) {
      return path;
    }
  }
  return {};
}

std::string unix_now_plus(long long seconds) {
  return std::to_string(static_cast<long long>(std::time(nullptr)) + seconds);
}

} // namespace

TEST_SUITE("cli.listen.faults") {
  TEST_CASE("store disk full: 503 with the reason, nothing half-written, stored again later") {
    TempDir store;
    // RLIMIT_FSIZE stands in for a full disk: a write past 16 KiB fails with EFBIG (SIGXFSZ
    // is ignored by linkhook, which would otherwise be killed). The hard limit stays unlimited,
    // so that the soft one can be raised again on the running listener.
    RunningListener listener(
        {"--secret", k_test_secret, "--store", store.path().string(), "--quiet"}, {},
        {"prlimit", "--fsize=16384:unlimited"});
    std::vector<std::string> acknowledged;
    std::vector<std::string> refused;
    for (int i = 0; i < 200 && refused.size() < 3; ++i) {
      const auto id = "msg_full_" + std::to_string(i);
      const auto response = deliver(listener, id);
      REQUIRE(response);
      if (response->status == 200) {
        acknowledged.push_back(id);
        continue;
      }
      CHECK(response->status == 503);
      CHECK_MESSAGE(response->body.find("could not store the delivery") != std::string::npos,
                    response->body);
      CHECK_MESSAGE(response->body.find("File too large") != std::string::npos, response->body);
      refused.push_back(id);
    }
    REQUIRE(refused.size() == 3);
    CHECK(acknowledged.size() >= 10);

    // Every acknowledged delivery is stored once, none of the refused ones, and the log reads
    // whole: no torn record was left at the limit.
    auto ids = stored_ids(store);
    CHECK(ids.size() == acknowledged.size());
    for (const auto& id : acknowledged) {
      CHECK_MESSAGE(ids[id] == 1, id);
    }
    for (const auto& id : refused) {
      CHECK_MESSAGE(ids.count(id) == 0, id);
    }

    // Space returns: the refused deliveries, sent again, are stored.
    REQUIRE(run({"prlimit", "--pid", std::to_string(listener.process().pid()), "--fsize=unlimited"})
                .exit_code == 0);
    for (const auto& id : refused) {
      const auto response = deliver(listener, id);
      REQUIRE(response);
      CHECK_MESSAGE(response->status == 200, id, ": ", response->body);
    }
    ids = stored_ids(store);
    CHECK(ids.size() == acknowledged.size() + refused.size());
    for (const auto& [id, count] : ids) {
      CHECK_MESSAGE(count == 1, id);
    }
  }

  TEST_CASE("the application behind --forward-to flapping: down, up, failing, down, up") {
    TempDir store;
    App app;
    RunningListener listener({"--secret", k_test_secret, "--store", store.path().string(),
                              "--quiet", "--forward-to", app.url(), "--forward-timeout", "2"});
    std::map<std::string, int> answered; // id → the listener's last status
    int next = 0;
    const auto deliver_three = [&](int expected) {
      for (int i = 0; i < 3; ++i) {
        const auto id = "msg_flap_" + std::to_string(next++);
        const auto response = deliver(listener, id);
        REQUIRE(response); // the listener never goes away
        CHECK_MESSAGE(response->status == expected, id, ": ", response->body);
        answered[id] = response->status;
      }
    };
    deliver_three(502); // down
    app.start(202);
    deliver_three(202); // up: its status passes through
    app.stop();
    deliver_three(502); // down again
    app.start(500);
    deliver_three(500); // up but failing: not acknowledged either
    app.stop();
    app.start(200);
    deliver_three(200); // back
    // Deliveries refused while it was down are accepted when sent again (their ids were not
    // kept as acknowledged).
    const auto response = deliver(listener, "msg_flap_0");
    REQUIRE(response);
    CHECK(response->status == 200);
    answered["msg_flap_0"] = response->status;

    const auto ids = stored_ids(store);
    for (const auto& [id, status] : answered) {
      const bool acknowledged = status / 100 == 2;
      CHECK_MESSAGE(app.accepted(id) == acknowledged, id, " answered ", status);
      CHECK_MESSAGE(ids.count(id) == (acknowledged ? 1U : 0U), id, " answered ", status);
    }
    CHECK(ids.size() == 7);
  }

  TEST_CASE("timestamps far from the listener's clock are rejected with direction and amount") {
    RunningListener listener({"--secret", k_test_secret, "--no-store", "--quiet"});
    const auto old = deliver(listener, "msg_old", {"--timestamp", unix_now_plus(-3600)});
    REQUIRE(old);
    CHECK(old->status == 401);
    CHECK_MESSAGE(old->body.find("too old: 3") != std::string::npos, old->body); // 3599-3601 s
    const auto future = deliver(listener, "msg_future", {"--timestamp", unix_now_plus(3600)});
    REQUIRE(future);
    CHECK(future->status == 401);
    CHECK_MESSAGE(future->body.find("too new: 3") != std::string::npos, future->body);
    const auto edge = deliver(listener, "msg_edge", {"--timestamp", unix_now_plus(-250)});
    REQUIRE(edge);
    CHECK(edge->status == 200); // within the default tolerance of 300 s
  }

  TEST_CASE("the wall clock jumping under a running listener (libfaketime)") {
    const auto library = libfaketime();
    if (library.empty()) {
      std::printf("linkhook-test-skipped: libfaketime not installed (Debian package faketime)\n");
      return;
    }
    TempDir dir;
    const auto offset_file = dir / "offset";
    const auto jump = [&](const std::string& offset) { std::ofstream(offset_file) << offset; };
    jump("+0");
    // An AddressSanitizer build wants its runtime first among the preloads.
    const char* inherited = std::getenv("ASAN_OPTIONS");
    const auto asan_options =
        std::string(inherited != nullptr ? inherited : "") + ":verify_asan_link_order=0";
    // The monotonic clock is left alone: a real wall-clock jump (NTP, a suspended laptop)
    // does not move it either.
    RunningListener listener(
        {"--secret", k_test_secret, "--no-store", "--quiet", "--timeout", "6", "--io-timeout", "1"},
        {{"LD_PRELOAD", library},
         {"FAKETIME_TIMESTAMP_FILE", offset_file.string()},
         {"FAKETIME_NO_CACHE", "1"},
         {"FAKETIME_DONT_FAKE_MONOTONIC", "1"},
         {"ASAN_OPTIONS", asan_options}});
    auto response = deliver(listener, "msg_clock_0");
    REQUIRE(response);
    CHECK(response->status == 200);

    jump("+2h"); // the listener's clock runs two hours ahead of the sender's
    response = deliver(listener, "msg_clock_1");
    REQUIRE(response);
    CHECK(response->status == 401);
    CHECK_MESSAGE(response->body.find("too old: 7") != std::string::npos, response->body);
    response = deliver(listener, "msg_clock_2", {"--timestamp", unix_now_plus(7200)});
    REQUIRE(response);
    CHECK(response->status == 200);

    jump("-2h"); // and now two hours behind
    response = deliver(listener, "msg_clock_3");
    REQUIRE(response);
    CHECK(response->status == 401);
    CHECK_MESSAGE(response->body.find("too new: 7") != std::string::npos, response->body);

    // Its timeouts run on the monotonic clock: a stalled client is still cut off after
    // --io-timeout, and --timeout still ends it (neither at once after the jump forward, nor
    // never after the jump back).
    RawConnection staller("127.0.0.1", port_of(listener.url()));
    staller.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{");
    CHECK(staller.closed_within(5s));
    CHECK(listener.process().wait(15s) == 1); // 1: two deliveries were rejected
  }
}
