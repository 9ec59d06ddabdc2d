// `send` against servers that answer too slowly, too much or nonsense, over http and https:
// --timeout bounds the whole delivery, and only a bounded part of an answer is read.
#include "send_helpers.hpp"
#include "temp_dir.hpp"
#include "tls_helpers.hpp"

#include <chrono>

using namespace linkhook::test;

namespace {

// `send --timeout 2` to each hostile server: within 3 s, exit 1, the error named.
void check_hostile_servers(const std::optional<RawTls>& tls, const std::vector<std::string>& args) {
  for (const auto& hostile : hostile_answers()) {
    CAPTURE(hostile.name);
    RawServer server(hostile.answer, tls);
    std::vector<std::string> sending{"link.clicked", "--timeout", "2", "--no-store", "--json"};
    sending.insert(sending.end(), args.begin(), args.end());
    const auto start = std::chrono::steady_clock::now();
    const auto r = send_to(server.url(), sending);
    CHECK(std::chrono::steady_clock::now() - start < 3s);
    CHECK(r.exit_code == 1);
    const auto lines = json_lines(r.out);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0]["ok"] == false);
    CHECK(lines[0]["status"] == 0);
    CHECK(lines[0]["error"] == hostile.error);
    CHECK_MESSAGE(lines[0]["reason"].get<std::string>().find(hostile.reason) != std::string::npos,
                  lines[0]["reason"]);
    CHECK(lines[1]["summary"]["2xx"] == 0);
  }
}

// Answers `count` requests on one connection, each with an empty 200.
std::function<void(RawConnection&)> answers_on_one_connection(int count) {
  return [count](RawConnection& client) {
    for (int answered = 0; answered < count; ++answered) {
      if (answered > 0 && client.receive(5s, "\r\n\r\n").empty()) {
        return;
      }
      client.send("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    }
    client.closed_within(5s);
  };
}

} // namespace

TEST_SUITE("cli.send.hostile") {
  TEST_CASE("hostile servers over http: each delivery fails within --timeout, the bound named") {
    check_hostile_servers(std::nullopt, {});
  }

  TEST_CASE("hostile servers over https: each delivery fails within --timeout, the bound named") {
    TempDir dir;
    const auto [cert, key] = make_self_signed_certificate(dir);
    check_hostile_servers(RawTls{cert, key}, {"--ca-file", cert});
  }

  TEST_CASE("a TLS handshake never answered is a timeout within --timeout") {
    RawServer server([](RawConnection&) {}); // takes the connection, never answers the hello
    const auto start = std::chrono::steady_clock::now();
    auto url = server.url();
    url.replace(0, 4, "https");
    const auto r = send_to(url, {"link.clicked", "--timeout", "1", "--no-store", "--json"});
    CHECK(std::chrono::steady_clock::now() - start < 2s);
    CHECK(r.exit_code == 1);
    const auto lines = json_lines(r.out);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0]["error"] == "timeout");
    CHECK(lines[0]["reason"] ==
          "cannot connect to " + url.substr(0, url.size() - 1) + " within 1s");
  }

  TEST_CASE("https deliveries share one kept-alive TLS connection") {
    TempDir dir;
    const auto [cert, key] = make_self_signed_certificate(dir);
    RawServer server(answers_on_one_connection(3), RawTls{cert, key});
    const auto r = send_to(server.url(), {"link.clicked", "--count", "3", "--timeout", "5",
                                          "--no-store", "--ca-file", cert});
    CHECK_MESSAGE(r.exit_code == 0, (r.out + r.err));
    CHECK(server.connections() == 1);
  }
}
