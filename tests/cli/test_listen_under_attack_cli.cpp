// Genuine signed deliveries while hostile clients attack the listener: the share it serves, the
// memory it takes, and that it cuts the attackers off (the harness is attack_harness.hpp). Every
// attack runs over plain HTTP and over HTTPS: one connection loop serves both.
#include "attack_harness.hpp"

using namespace linkhook::test;

TEST_SUITE("cli.listen.under_attack") {
  TEST_CASE("slowloris: connections dribbling headers a byte at a time do not starve deliveries") {
    const auto genuine = sign_genuine("slowloris");
    over_both_protocols([&](RunningListener& listener, const Target& target) {
      under_attack("slowloris", listener, genuine,
                   [target](std::latch& ready, const std::atomic<bool>& stop) {
                     const std::string head = head_of("X-Slow: ");
                     // 100 connections, three times the workers kept ready; one byte each well
                     // inside
                     // --io-timeout, so that no read ever times out (the head deadline's own test
                     // is in test_listen_hostile_cli.cpp).
                     hold_connections(
                         target, 100, 300ms, ready, stop, [](Socket&) {},
                         [&](Socket& socket) {
                           const auto at = socket.dribbled++;
                           socket.send(std::string_view(at < head.size() ? &head[at] : "a", 1));
                         });
                   });
    });
  }

  TEST_CASE("two thousand idle connections do not starve deliveries, and are cut off") {
    const auto idle = std::min<std::size_t>(2000, raise_open_files(2300) - 300);
    const auto genuine = sign_genuine("idle");
    // (the listener started after raising the limit, which it inherits)
    over_both_protocols([&](RunningListener& listener, const Target& over) {
      // Raw TCP: over HTTPS the idle connections never start their handshake, and are cut off
      // as idle ones (slowloris holds connections that did complete it).
      const Target target{over.port, false};
      std::size_t cut_off = 0;
      under_attack(over.tls ? "idle, no handshake" : "idle connections", listener, genuine,
                   [&](std::latch& ready, const std::atomic<bool>& stop) {
                     cut_off = hold_connections(target, idle, 200ms, ready, stop, [](Socket&) {});
                   });
      CHECK(cut_off > 0); // --io-timeout 1 within the attack's 3 s
    });
  }

  // Each flooder sends 10,000 small headers (or 10 lines of 64 KiB) and stalls. The listener
  // answers a head over 64 KiB with 431 and closes the connection, so that a flood does not grow
  // its memory (by about 190 MB in 3 s of four floods on loopback before that limit).
  TEST_CASE("header floods: many small headers and huge header lines are cut off") {
    std::string many;
    for (int i = 0; i < 1000; ++i) {
      many += "X-Flood-" + std::to_string(i) + ": " + std::string(20, 'f') + "\r\n";
    }
    const std::string huge = "X-Huge: " + std::string(64 * 1024, 'h');
    const auto genuine = sign_genuine("header floods");
    over_both_protocols([&](RunningListener& listener, const Target& target) {
      std::atomic<int> cut_off{0};
      std::atomic<int> others{0};
      under_attack("header floods", listener, genuine,
                   [&](std::latch& ready, const std::atomic<bool>& stop) {
                     hammers(target, 4, ready, stop, [&](int flooder, Socket& socket) {
                       socket.send(head_of(""));
                       for (int i = 0; i < k_flood_rounds && !stop; ++i) {
                         socket.send(flooder % 2 == 0 ? many : huge);
                       }
                       cut_off += refused(socket, 431, others) ? 1 : 0;
                     });
                   });
      CHECK(cut_off > 0);
      CHECK(others == 0);
    });
  }

  TEST_CASE(
      "Content-Length far beyond --max-body, the body pushed anyway: never 2xx, memory flat") {
    // A Content-Length over --max-body is answered 413 without reading the body, and the
    // connection closed: a client pushing a huge body anyway is cut off, nothing of it kept.
    const auto genuine = sign_genuine("huge Content-Length");
    over_both_protocols([&](RunningListener& listener, const Target& target) {
      std::atomic<int> cut_off{0};
      std::atomic<int> others{0}; // a 2xx among them: the body acknowledged
      const std::string chunk(64 * 1024, 'x');
      under_attack("huge Content-Length", listener, genuine,
                   [&](std::latch& ready, const std::atomic<bool>& stop) {
                     hammers(target, 8, ready, stop, [&](int, Socket& socket) {
                       socket.send(head_of("Content-Length: 100000000000\r\n\r\n"));
                       while (!stop && socket.send(chunk)) {
                       }
                       cut_off += refused(socket, 413, others) ? 1 : 0;
                     });
                   });
      CHECK(cut_off > 0);
      CHECK(others == 0);
    });
  }

  TEST_CASE("malformed chunked bodies are rejected, never acknowledged") {
    const auto headers = signed_headers(k_body);
    std::string signed_head = head_of("Transfer-Encoding: chunked\r\n");
    for (const auto& [name, value] : headers) {
      signed_head += name + ": " + value + "\r\n";
    }
    signed_head += "\r\n";
    const auto size = [](std::size_t n) { return fmt_hex(n) + "\r\n"; };
    over_both_protocols([&](RunningListener& listener, const Target& target) {
      for (const std::string& body : {
               "zz\r\n" + k_body + "\r\n0\r\n\r\n",                   // not a hex size
               size(k_body.size() + 5) + k_body + "\r\n0\r\n\r\n",    // shorter than declared
               "ffffffffffffffffffff\r\n" + k_body + "\r\n0\r\n\r\n", // size overflows
           }) {
        RawConnection connection("127.0.0.1", target.port, target.tls);
        connection.send(signed_head + body);
        const auto answer = connection.receive(5s, "\r\n\r\n");
        CHECK_MESSAGE((answer.empty() || answer.starts_with("HTTP/1.1 4")), body, " -> ", answer);
      }
      // A chunked body beyond --max-body is refused like any other, checked as it streams.
      RawConnection connection("127.0.0.1", target.port, target.tls);
      connection.send(signed_head);
      const std::string chunk = size(64 * 1024) + std::string(64 * 1024, 'c') + "\r\n";
      for (int i = 0; i < 20 && connection.send(chunk); ++i) {
      }
      connection.send("0\r\n\r\n");
      const auto answer = connection.receive(5s, "\r\n\r\n");
      CHECK_MESSAGE((answer.empty() || answer.starts_with("HTTP/1.1 413")), answer);
      check_serving(listener);
    });
  }

  TEST_CASE("chunked bodies, pipelined requests and abrupt resets, all at once") {
    const auto headers = signed_headers(k_body, {"--id", "msg_replayed"});
    std::string one = head_of("");
    for (const auto& [name, value] : headers) {
      one += name + ": " + value + "\r\n";
    }
    const auto chunked = one + "Transfer-Encoding: chunked\r\n\r\n" + fmt_hex(k_body.size()) +
                         "\r\n" + k_body + "\r\n0\r\n\r\n";
    const auto plain =
        one + "Content-Length: " + std::to_string(k_body.size()) + "\r\n\r\n" + k_body;
    const auto genuine = sign_genuine("chunked+pipelined+reset");
    over_both_protocols([&](RunningListener& listener, const Target& target) {
      // One attacker sends chunked requests, one pipelines three, one resets mid-body.
      under_attack("chunked+pipelined+reset", listener, genuine,
                   [&](std::latch& ready, const std::atomic<bool>& stop) {
                     hammers(target, 3, ready, stop, [&](int attacker, Socket& socket) {
                       if (attacker == 2) {
                         socket.send(one + "Content-Length: 1000\r\n\r\n{\"event\":");
                         socket.reset();
                         return;
                       }
                       socket.send(attacker == 0 ? chunked : plain + plain + plain);
                       socket.receive_status();
                     });
                   });
    });
  }
}
