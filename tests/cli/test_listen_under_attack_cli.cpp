// Genuine signed deliveries while hostile clients attack the listener: the share it serves and
// the memory it takes (the harness is attack_harness.hpp).
#include "attack_harness.hpp"

using namespace linkhook::test;

TEST_SUITE("cli.listen.under_attack") {
  TEST_CASE("slowloris: connections dribbling headers a byte at a time do not starve deliveries") {
    auto listener = start();
    const int port = port_of(listener.url());
    under_attack("slowloris", listener, [port](std::latch& ready, const std::atomic<bool>& stop) {
      const std::string head = head_of("X-Slow: ");
      // 100 connections, three times the workers kept ready; one byte each well inside
      // --io-timeout, so that no read ever times out.
      hold_connections(
          port, 100, 300ms, ready, stop, [](Socket&) {},
          [&](Socket& socket) {
            const auto at = socket.dribbled++;
            socket.send(std::string_view(at < head.size() ? &head[at] : "a", 1));
          });
    });
  }

  TEST_CASE("two thousand idle connections do not starve deliveries") {
    const auto idle = std::min<std::size_t>(2000, raise_open_files(2300) - 300);
    // Over HTTPS the idle connections never start their handshake, and are cut off as idle ones.
    for (const bool tls : {false, true}) {
      CAPTURE(tls);
      auto listener = start(tls); // after raising the limit, which it inherits
      const int port = port_of(listener.url());
      under_attack(tls ? "idle, no handshake" : "idle connections", listener,
                   [port, idle](std::latch& ready, const std::atomic<bool>& stop) {
                     hold_connections(port, idle, 200ms, ready, stop, [](Socket&) {});
                   });
    }
  }

  // Each flooder sends 10,000 small headers (or 10 lines of 64 KiB) and stalls. cpp-httplib 0.11
  // limits the length of a header line but not their number; the listener's connection loop
  // answers a head over 64 KiB with 431 and closes the connection, so that a flood no longer
  // grows its memory (by about 190 MB in 3 s of four floods on loopback before that limit).
  TEST_CASE("header floods: many small headers and huge header lines") {
    auto listener = start();
    const int port = port_of(listener.url());
    under_attack("header floods", listener,
                 [port](std::latch& ready, const std::atomic<bool>& stop) {
                   std::string many;
                   for (int i = 0; i < 1000; ++i) {
                     many += "X-Flood-" + std::to_string(i) + ": " + std::string(20, 'f') + "\r\n";
                   }
                   const std::string huge = "X-Huge: " + std::string(64 * 1024, 'h');
                   std::vector<std::thread> flooders;
                   std::latch started(4);
                   for (int f = 0; f < 4; ++f) {
                     flooders.emplace_back([&, f] {
                       hammer(port, started, stop, [&](Socket& socket) {
                         socket.send(head_of(""));
                         for (int i = 0; i < k_flood_rounds && !stop; ++i) {
                           socket.send(f % 2 == 0 ? many : huge);
                         }
                         socket.receive_status(); // until the listener gives up on it
                       });
                     });
                   }
                   started.wait();
                   ready.count_down();
                   for (auto& flooder : flooders) {
                     flooder.join();
                   }
                 });
  }

  TEST_CASE(
      "Content-Length far beyond --max-body, the body pushed anyway: never 2xx, memory flat") {
    // cpp-httplib 0.11 answers 413 only after it has read (and dropped) the declared length, or
    // after --io-timeout without a byte: a client pushing a huge body holds a worker while it
    // pushes, but nothing of it is kept.
    auto listener = start();
    const int port = port_of(listener.url());
    std::atomic<int> acknowledged{0};
    under_attack("huge Content-Length", listener,
                 [&](std::latch& ready, const std::atomic<bool>& stop) {
                   const std::string chunk(64 * 1024, 'x');
                   std::vector<std::thread> pushers;
                   std::latch started(8);
                   for (int p = 0; p < 8; ++p) {
                     pushers.emplace_back([&] {
                       hammer(port, started, stop, [&](Socket& socket) {
                         socket.send(head_of("Content-Length: 100000000000\r\n\r\n"));
                         while (!stop && socket.send(chunk)) {
                         }
                         acknowledged += socket.receive_status() / 100 == 2 ? 1 : 0;
                       });
                     });
                   }
                   started.wait();
                   ready.count_down();
                   for (auto& pusher : pushers) {
                     pusher.join();
                   }
                 });
    CHECK(acknowledged == 0);
  }

  TEST_CASE("malformed chunked bodies are rejected, never acknowledged") {
    auto listener = start();
    const auto headers = signed_headers(k_body);
    std::string signed_head = head_of("Transfer-Encoding: chunked\r\n");
    for (const auto& [name, value] : headers) {
      signed_head += name + ": " + value + "\r\n";
    }
    signed_head += "\r\n";
    const auto size = [](std::size_t n) { return fmt_hex(n) + "\r\n"; };
    for (const std::string& body : {
             "zz\r\n" + k_body + "\r\n0\r\n\r\n",                   // not a hex size
             size(k_body.size() + 5) + k_body + "\r\n0\r\n\r\n",    // shorter than declared
             "ffffffffffffffffffff\r\n" + k_body + "\r\n0\r\n\r\n", // size overflows
         }) {
      RawConnection connection("127.0.0.1", port_of(listener.url()));
      connection.send(signed_head + body);
      const auto answer = connection.receive(5s, "\r\n\r\n");
      CHECK_MESSAGE((answer.empty() || answer.starts_with("HTTP/1.1 4")), body, " -> ", answer);
    }
    // cpp-httplib 0.11 does not insist on the CRLF after a chunk's data ("...}XX0\r\n\r\n" is
    // read as the whole body): lenient, but harmless here, since only the exact signed bytes
    // verify.
    // A chunked body beyond --max-body is refused like any other (cpp-httplib checks only a
    // Content-Length against the limit: the listener checks the body it got).
    RawConnection connection("127.0.0.1", port_of(listener.url()));
    connection.send(signed_head);
    const std::string chunk = size(64 * 1024) + std::string(64 * 1024, 'c') + "\r\n";
    for (int i = 0; i < 20 && connection.send(chunk); ++i) {
    }
    connection.send("0\r\n\r\n");
    const auto answer = connection.receive(5s, "\r\n\r\n");
    CHECK_MESSAGE((answer.empty() || answer.starts_with("HTTP/1.1 413")), answer);
    const auto response = post(listener.url(), signed_headers(k_body), k_body);
    REQUIRE(response);
    CHECK(response->status == 200);
  }

  TEST_CASE("chunked bodies, pipelined requests and abrupt resets, all at once") {
    auto listener = start();
    const int port = port_of(listener.url());
    const auto headers = signed_headers(k_body, {"--id", "msg_replayed"});
    std::string one = head_of("");
    for (const auto& [name, value] : headers) {
      one += name + ": " + value + "\r\n";
    }
    const auto chunked = one + "Transfer-Encoding: chunked\r\n\r\n" + fmt_hex(k_body.size()) +
                         "\r\n" + k_body + "\r\n0\r\n\r\n";
    const auto plain =
        one + "Content-Length: " + std::to_string(k_body.size()) + "\r\n\r\n" + k_body;
    under_attack("chunked+pipelined+reset", listener,
                 [&](std::latch& ready, const std::atomic<bool>& stop) {
                   std::latch started(3);
                   std::thread chunker([&] {
                     hammer(port, started, stop, [&](Socket& socket) {
                       socket.send(chunked);
                       socket.receive_status();
                     });
                   });
                   std::thread pipeliner([&] {
                     hammer(port, started, stop, [&](Socket& socket) {
                       socket.send(plain + plain + plain);
                       socket.receive_status();
                     });
                   });
                   std::thread resetter([&] {
                     hammer(port, started, stop, [&](Socket& socket) {
                       socket.send(one + "Content-Length: 1000\r\n\r\n{\"event\":");
                       socket.reset();
                     });
                   });
                   started.wait();
                   ready.count_down();
                   chunker.join();
                   pipeliner.join();
                   resetter.join();
                 });
  }
}
