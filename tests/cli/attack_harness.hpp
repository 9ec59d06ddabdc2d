// The harness of the under-attack tests (test_listen_under_attack_cli.cpp): genuine signed
// deliveries sent while hostile clients attack the listener, the share it serves and the memory
// it takes. Each attack runs in the background while a few threads send genuine deliveries, each
// on a fresh connection, as webhook senders do; a delivery counts as served when it is answered
// 2xx within twice --io-timeout.
#pragma once

#include "cli_helpers.hpp"
#include "listener_fixture.hpp"
#include "raw_client.hpp"
#include "tls_helpers.hpp"

#include <atomic>
#include <cstdio>
#include <fstream>
#include <functional>
#include <latch>
#include <memory>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <thread>

namespace linkhook::test {

using Clock = std::chrono::steady_clock;

inline const std::string k_body = R"({"event":"link.clicked","data":{"n":1}})";
inline constexpr int k_io_timeout_s = 1;
inline constexpr int k_genuine = 40;
inline constexpr int k_senders = 4;
inline constexpr int k_flood_rounds = 10;
inline constexpr auto k_genuine_span = std::chrono::milliseconds(3000);
#if defined(__SANITIZE_ADDRESS__)
// AddressSanitizer's shadow memory and quarantine (over 250 MB) swamp the memory figure, and its
// slower thread starts the share: the plain build holds the listener to the real bounds.
inline constexpr double k_required_share = 0.75;
inline constexpr bool k_check_memory = false;
#else
inline constexpr double k_required_share = 0.95;
inline constexpr bool k_check_memory = true;
#endif
inline constexpr std::size_t k_memory_bound_kib = 100 * 1024;

// Raises this process's soft limit of open files toward `wanted` (children inherit it); returns
// how many it may open.
inline std::size_t raise_open_files(std::size_t wanted) {
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  if (limit.rlim_cur < wanted) {
    limit.rlim_cur = std::min<rlim_t>(wanted, limit.rlim_max);
    setrlimit(RLIMIT_NOFILE, &limit);
  }
  return limit.rlim_cur;
}

// A field of /proc/PID/status in KiB ("VmRSS", "VmHWM"); 0 when absent.
inline std::size_t status_kib(pid_t pid, const std::string& field) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with(field + ":")) {
      return std::stoul(line.substr(field.size() + 1));
    }
  }
  return 0;
}

// Where attackers connect: the listener's port, over TLS or not (raw TCP to an HTTPS listener is
// a client that never starts its handshake).
struct Target {
  int port;
  bool tls;
};

inline Target target_of(const RunningListener& listener) {
  return {port_of(listener.url()), listener.url().starts_with("https:")};
}

// An attacker's connection; it never throws: one refused, or whose handshake fails, is simply
// not open.
class Socket {
public:
  explicit Socket(const Target& target) {
    try {
      m_connection = std::make_unique<RawConnection>("127.0.0.1", target.port, target.tls);
    } catch (const std::runtime_error&) {
      return;
    }
    // A send blocks 1 s at most, so that an attacker always notices the end of its attack.
    const timeval send_timeout{1, 0};
    ::setsockopt(fd(), SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof send_timeout);
  }
  int fd() const { return m_connection ? m_connection->fd() : -1; }
  bool send(std::string_view bytes) { return m_connection && m_connection->send(bytes); }
  // The status of the answer, read for 3 s at most; 0 when none came.
  int receive_status() {
    const auto received = m_connection ? m_connection->receive(3s, "\r\n") : std::string();
    return received.starts_with("HTTP/1.1 ") && received.size() >= 12
               ? std::stoi(received.substr(9, 3))
               : 0;
  }
  // Whether the listener has closed (or reset) it, found without waiting.
  bool closed() { return !m_connection || m_connection->closed_within(0ms); }
  // Closes with a TCP reset instead of an orderly shutdown.
  void reset() {
    if (m_connection) {
      const linger abort{1, 0};
      ::setsockopt(fd(), SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
      m_connection.reset();
    }
  }

  std::size_t dribbled = 0; // bytes a slowloris attacker sent on it so far

private:
  std::unique_ptr<RawConnection> m_connection;
};

// Waits (3 s at most) for the listener's answer to a hostile request: true when it refused it
// with `status` or closed the connection; `others` counts any other answer.
inline bool refused(Socket& socket, int status, std::atomic<int>& others) {
  const auto answer = socket.receive_status();
  others += answer != 0 && answer != status ? 1 : 0;
  return answer == status || (answer == 0 && socket.closed());
}

struct Share {
  int sent = 0;
  int served = 0;
  double share() const { return sent == 0 ? 0 : static_cast<double>(served) / sent; }
};

// k_genuine deliveries of `attack`, with ids of their own, signed before it starts: once for
// both protocols' listeners (a process each, seconds under AddressSanitizer), each listener new.
inline std::vector<httplib::Headers> sign_genuine(const std::string& attack) {
  std::vector<httplib::Headers> signed_requests;
  for (int i = 0; i < k_genuine; ++i) {
    signed_requests.push_back(
        signed_headers(k_body, {"--id", "msg_" + attack + "_" + std::to_string(i)}));
  }
  return signed_requests;
}

// Sends the deliveries from k_senders threads, each on a fresh connection.
inline Share send_genuine(const RunningListener& listener,
                          const std::vector<httplib::Headers>& signed_requests) {
  const auto within = std::chrono::seconds(2 * k_io_timeout_s);
  std::atomic<int> served{0};
  std::vector<std::thread> senders;
  const auto start = Clock::now();
  for (int s = 0; s < k_senders; ++s) {
    senders.emplace_back([&, s] {
      for (std::size_t i = static_cast<std::size_t>(s); i < signed_requests.size();
           i += k_senders) {
        httplib::Client client(listener.origin());
        client.enable_server_certificate_verification(false); // an https listener's own cert
        client.set_connection_timeout(within);
        client.set_read_timeout(within);
        client.set_write_timeout(within);
        // Spread over k_genuine_span, longer than --io-timeout, so that the attack has to hold
        // out: the pace of the load, not a wait for the listener.
        std::this_thread::sleep_until(start + k_genuine_span * static_cast<int>(i) / k_genuine);
        const auto sent_at = Clock::now();
        const auto response = client.Post("/", signed_requests[i], k_body, "application/json");
        if (response && response->status / 100 == 2 && Clock::now() - sent_at <= within) {
          ++served;
        }
      }
    });
  }
  for (auto& sender : senders) {
    sender.join();
  }
  return {static_cast<int>(signed_requests.size()), served.load()};
}

// What an attack does, on a thread of its own: it sets up (opens its connections), counts down
// `ready`, and goes on until `stop`.
using Attack = std::function<void(std::latch& ready, const std::atomic<bool>& stop)>;

// A genuine delivery is answered 200.
inline void check_serving(const RunningListener& listener) {
  const auto response = post(listener.url(), signed_headers(k_body), k_body);
  REQUIRE(response);
  CHECK(response->status == 200);
}

// Runs `attack` until the genuine deliveries sent once it is ready are done, then checks the
// share served, the listener's memory, and that it still answers.
inline void under_attack(const std::string& attack_name, RunningListener& listener,
                         const std::vector<httplib::Headers>& signed_requests,
                         const Attack& attack) {
  const auto name = attack_name + (target_of(listener).tls ? " (https)" : "");
  const auto pid = listener.process().pid();
  const auto rss_before = status_kib(pid, "VmRSS");
  std::atomic<bool> stop{false};
  std::latch ready(1);
  std::thread attacker([&] { attack(ready, stop); });
  ready.wait();
  const auto share = send_genuine(listener, signed_requests);
  stop = true;
  attacker.join();
  const auto rss_after = status_kib(pid, "VmRSS");
  const auto peak = status_kib(pid, "VmHWM");
  std::printf("%-30s served %2d/%2d (%3.0f%%)  RSS %6zu -> %6zu KiB  peak %6zu KiB\n", name.c_str(),
              share.served, share.sent, 100 * share.share(), rss_before, rss_after, peak);
  CHECK_MESSAGE(share.share() >= k_required_share, name, ": served ", share.served, " of ",
                share.sent);
  CHECK_MESSAGE((!k_check_memory || peak < k_memory_bound_kib), name, ": peak RSS ", peak, " KiB");
  check_serving(listener);
}

// Over HTTPS when `tls` is set; `extra` arguments after the usual ones.
inline RunningListener start(bool tls = false, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args{"--secret", k_test_secret,  "--no-store",
                                "--quiet",  "--io-timeout", std::to_string(k_io_timeout_s)};
  args.insert(args.end(), extra.begin(), extra.end());
  const TempDir dir;
  const auto tls_arguments = tls_args(dir, tls);
  args.insert(args.end(), tls_arguments.begin(), tls_arguments.end());
  return RunningListener(args);
}

// Runs `run` over plain HTTP, then over HTTPS, each time against a listener of its own.
inline void over_both_protocols(const std::function<void(RunningListener&, const Target&)>& run) {
  for (const bool tls : {false, true}) {
    CAPTURE(tls);
    auto listener = start(tls);
    run(listener, target_of(listener));
  }
}

// Calls `each` on every open connection about every `period` until `stop`.
inline void every(std::chrono::milliseconds period, const std::atomic<bool>& stop,
                  const std::function<void()>& each) {
  while (!stop) {
    each();
    pollfd none{-1, 0, 0};
    ::poll(&none, 1, static_cast<int>(period.count())); // the attacker's pace, not a wait
  }
}

inline std::string fmt_hex(std::size_t n) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%zx", n);
  return buffer;
}

inline std::string head_of(std::string_view extra) {
  return "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" + std::string(extra);
}

// Connections the listener closed (end of file or reset), found without waiting: one poll(2)
// for them all, and a look at those readable (over TLS, a session ticket is no close).
inline std::vector<std::size_t> closed_ones(std::vector<Socket>& sockets) {
  std::vector<pollfd> fds;
  for (const auto& socket : sockets) {
    fds.push_back({socket.fd(), POLLIN, 0});
  }
  ::poll(fds.data(), fds.size(), 0);
  std::vector<std::size_t> closed;
  for (std::size_t i = 0; i < fds.size(); ++i) {
    if ((fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) != 0) &&
        sockets[i].closed()) {
      closed.push_back(i);
    }
  }
  return closed;
}

// Keeps `count` connections open that each do `begin` once, reopening those the listener
// closes, about every `period`, until `stop`; `each` runs on all of them at each turn. Returns
// how many the listener closed.
inline std::size_t hold_connections(const Target& target, std::size_t count,
                                    std::chrono::milliseconds period, std::latch& ready,
                                    const std::atomic<bool>& stop,
                                    const std::function<void(Socket&)>& begin,
                                    const std::function<void(Socket&)>& each = {}) {
  std::vector<Socket> sockets;
  for (std::size_t i = 0; i < count; ++i) {
    begin(sockets.emplace_back(target));
  }
  ready.count_down();
  std::size_t closed = 0;
  every(period, stop, [&] {
    for (const auto i : closed_ones(sockets)) {
      ++closed;
      sockets[i] = Socket(target);
      begin(sockets[i]);
    }
    if (each) {
      for (auto& socket : sockets) {
        each(socket);
      }
    }
  });
  return closed;
}

// Opens a connection, does `hostile` on it, and closes it, over and over until `stop`.
inline void hammer(const Target& target, std::latch& ready, const std::atomic<bool>& stop,
                   const std::function<void(Socket&)>& hostile) {
  ready.count_down();
  while (!stop) {
    Socket socket(target);
    hostile(socket);
  }
}

// `count` attackers at once, each hammering with `hostile` (told which attacker it is); `ready`
// once they have all started.
inline void hammers(const Target& target, int count, std::latch& ready,
                    const std::atomic<bool>& stop,
                    const std::function<void(int attacker, Socket&)>& hostile) {
  std::vector<std::thread> attackers;
  std::latch started(count);
  for (int a = 0; a < count; ++a) {
    attackers.emplace_back(
        [&, a] { hammer(target, started, stop, [&](Socket& socket) { hostile(a, socket); }); });
  }
  started.wait();
  ready.count_down();
  for (auto& attacker : attackers) {
    attacker.join();
  }
}

} // namespace linkhook::test
