// The listener's limits over HTTPS: the connection loop and parser that serve plain HTTP serve
// TLS too, so a head over 64 KiB, a chunked body over --max-body and a client that never
// completes its handshake are cut short over either protocol (cpp-httplib's TLS server, used
// before, read headers and chunked bodies without bound).
#include "attack_harness.hpp"

using namespace linkhook::test;

namespace {

RawConnection connect_tls(const RunningListener& listener) {
  return RawConnection("127.0.0.1", port_of(listener.url()), true);
}

} // namespace

TEST_SUITE("cli.listen.tls") {
  TEST_CASE("https: a flood of headers is refused (431 or cut off) and memory stays flat") {
    auto listener = start(true);
    const auto pid = listener.process().pid();
    auto flooder = connect_tls(listener);
    std::string lines;
    for (int i = 0; i < 1000; ++i) {
      lines += "X-Flood-" + std::to_string(i) + ": " + std::string(20, 'f') + "\r\n";
    }
    // Up to 32 MB (cpp-httplib kept about three times what it read): the listener stops reading
    // after 64 KiB and a drained MiB, and the send fails once it has closed.
    REQUIRE(flooder.send(head_of("")));
    for (std::size_t sent = 0; sent < (std::size_t{32} << 20) && flooder.send(lines);) {
      sent += lines.size();
    }
    const auto answer = flooder.receive(5s, "\r\n\r\n");
    CHECK_MESSAGE((answer.empty() || answer.starts_with("HTTP/1.1 431")), answer);
    CHECK(flooder.closed_within(5s));
    if (k_check_memory) { // not under AddressSanitizer, whose own memory swamps the figure
      CHECK(status_kib(pid, "VmHWM") < 64 * 1024);
    }
    check_serving(listener);
  }

  TEST_CASE("https: a chunked body over --max-body is answered 413 and the connection closed") {
    auto listener = start(true, {"--max-body", "1024"});
    auto connection = connect_tls(listener);
    std::string head = head_of("Transfer-Encoding: chunked\r\n");
    for (const auto& [name, value] : signed_headers(k_body)) {
      head += name + ": " + value + "\r\n";
    }
    REQUIRE(connection.send(head + "\r\n"));
    const std::string chunk = fmt_hex(4096) + "\r\n" + std::string(4096, 'c') + "\r\n";
    for (int i = 0; i < 16 && connection.send(chunk); ++i) {
    }
    const auto answer = connection.receive(5s, "\r\n\r\n");
    CHECK_MESSAGE(answer.starts_with("HTTP/1.1 413"), answer);
    CHECK(answer.find("Connection: close") != std::string::npos);
    CHECK(connection.closed_within(5s));
    check_serving(listener);
  }

  TEST_CASE("https: clients that never start the handshake are cut off, deliveries served") {
    auto listener = start(true);
    std::vector<std::unique_ptr<RawConnection>> silent;
    for (int i = 0; i < 100; ++i) { // more than the 32 workers kept ready
      silent.push_back(std::make_unique<RawConnection>("127.0.0.1", port_of(listener.url())));
    }
    check_serving(listener); // while they hold their connections
    for (auto& connection : silent) {
      CHECK(connection->closed_within(5s)); // --io-timeout 1
    }
    check_serving(listener);
  }
}
