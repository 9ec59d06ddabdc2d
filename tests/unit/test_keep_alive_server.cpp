#include "keep_alive_server.hpp"
#include "raw_client.hpp"

#include <chrono>
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <string>
#include <thread>

using namespace std::chrono_literals;
using linkhook::test::RawConnection;

namespace {

// A KeepAliveServer on a free loopback port that echoes each POST body, "from ADDRESS" appended,
// served from its own thread until the fixture ends.
class EchoServer {
public:
  explicit EchoServer(time_t keep_alive_s = 30) {
    m_server.set_keep_alive_max_count(1000);
    m_server.set_keep_alive_timeout(keep_alive_s);
    m_server.Post("/", [](const httplib::Request& request, httplib::Response& response) {
      response.set_content(request.body + " from " + request.remote_addr, "text/plain");
    });
    m_server.Get("/large", [](const httplib::Request&, httplib::Response& response) {
      response.set_content(std::string(200 * 1024, 'x'), "text/plain");
    });
    m_port = m_server.bind_to_any_port("127.0.0.1");
    REQUIRE(m_port > 0);
    m_thread = std::thread([this] { m_server.listen_after_bind(); });
    while (!m_server.is_running()) {
      std::this_thread::yield();
    }
  }
  EchoServer(const EchoServer&) = delete;
  EchoServer& operator=(const EchoServer&) = delete;
  ~EchoServer() { stop(); }

  int port() const { return m_port; }

  void stop() {
    if (m_thread.joinable()) {
      m_server.stop_connections();
      m_server.stop();
      m_thread.join();
    }
  }

private:
  linkhook::KeepAliveServer m_server;
  int m_port = 0;
  std::thread m_thread;
};

std::string post(std::string_view body, std::string_view extra_headers = {}) {
  return "POST / HTTP/1.1\r\nHost: test\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n" + std::string(extra_headers) + "\r\n" + std::string(body);
}

int count(const std::string& text, std::string_view what) {
  int n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++n;
  }
  return n;
}

} // namespace

TEST_SUITE("keep_alive_server") {
  TEST_CASE("requests on one connection are answered in order, pipelined ones too") {
    EchoServer server;
    RawConnection client("127.0.0.1", server.port());
    REQUIRE(client.send(post("one")));
    const auto first = client.receive(5s, "one from 127.0.0.1");
    CHECK(first.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
    REQUIRE(client.send(post("two") + post("three") + post("four")));
    const auto rest = client.receive(5s, "four from 127.0.0.1");
    CHECK(count(rest, "HTTP/1.1 200 OK\r\n") == 3);
    CHECK(rest.find("two from") < rest.find("three from"));
    CHECK(rest.find("three from") < rest.find("four from"));
  }

  TEST_CASE("an interim 100 Continue goes out before the body is awaited") {
    EchoServer server;
    RawConnection client("127.0.0.1", server.port());
    const std::string body = "the body";
    REQUIRE(
        client.send("POST / HTTP/1.1\r\nHost: test\r\nExpect: 100-continue\r\nContent-Length: " +
                    std::to_string(body.size()) + "\r\n\r\n"));
    // A client waits for it before it sends the body: were it held back with the final answer,
    // the two would wait for each other until the read timeout.
    const auto interim = client.receive(5s, "\r\n\r\n");
    REQUIRE(interim.rfind("HTTP/1.1 100 Continue\r\n", 0) == 0);
    REQUIRE(client.send(body));
    CHECK(client.receive(5s, "the body from").find("HTTP/1.1 200 OK\r\n") != std::string::npos);
  }

  TEST_CASE("an answer larger than the write buffer arrives whole") {
    EchoServer server;
    RawConnection client("127.0.0.1", server.port());
    REQUIRE(client.send("GET /large HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"));
    const auto answer = client.receive(5s); // until the server closes
    const auto body = answer.find("\r\n\r\n");
    REQUIRE(body != std::string::npos);
    CHECK(answer.size() - body - 4 == 200 * 1024);
  }

  TEST_CASE("an idle connection is closed when its keep-alive timeout passes") {
    EchoServer server(1);
    RawConnection client("127.0.0.1", server.port());
    REQUIRE(client.send(post("one")));
    CHECK(client.receive(5s, "one from").find("200 OK") != std::string::npos);
    CHECK(client.closed_within(5s));
  }

  TEST_CASE("stopping the server closes idle keep-alive connections without their timeout") {
    EchoServer server(60);
    RawConnection client("127.0.0.1", server.port());
    REQUIRE(client.send(post("one")));
    CHECK(client.receive(5s, "one from").find("200 OK") != std::string::npos);
    std::thread stopping([&server] { server.stop(); }); // returns once every connection ends
    CHECK(client.closed_within(5s));
    stopping.join();
  }

  TEST_CASE("a request head of many short headers is bounded: 431, closed, the server goes on") {
    // Headers of 32 bytes each: cpp-httplib's limit on a line's length never applies.
    const auto headers = [](std::size_t bytes) {
      std::string lines;
      for (int i = 0; lines.size() < bytes; ++i) {
        lines += fmt::format("X-Many-{:06}: {:016}\r\n", i, i);
      }
      return lines;
    };
    EchoServer server;
    {
      RawConnection client("127.0.0.1", server.port());
      REQUIRE(client.send(post("under", headers(linkhook::KeepAliveServer::k_max_head / 2))));
      CHECK(client.receive(5s, "under from").find("200 OK") != std::string::npos);
    }
    RawConnection flood("127.0.0.1", server.port());
    flood.send(post("over", headers(linkhook::KeepAliveServer::k_max_head * 4)));
    const auto answer = flood.receive(5s, "bytes\n");
    CHECK(answer.rfind("HTTP/1.1 431 Request Header Fields Too Large\r\n", 0) == 0);
    CHECK(answer.find("larger than 65536 bytes") != std::string::npos);
    CHECK(answer.find("HTTP/1.1 400") == std::string::npos); // one answer only
    CHECK(flood.closed_within(5s));
    RawConnection client("127.0.0.1", server.port());
    REQUIRE(client.send(post("after")));
    CHECK(client.receive(5s, "after from").find("200 OK") != std::string::npos);
  }

  TEST_CASE("a request that arrives in pieces is answered once it is whole") {
    EchoServer server;
    RawConnection client("127.0.0.1", server.port());
    const auto whole = post("in pieces");
    REQUIRE(client.send(whole.substr(0, 20)));
    CHECK(client.receive(200ms).empty()); // nothing to answer yet
    REQUIRE(client.send(whole.substr(20, whole.size() - 22)));
    CHECK(client.receive(200ms).empty());
    REQUIRE(client.send(whole.substr(whole.size() - 2)));
    CHECK(client.receive(5s, "in pieces from").find("200 OK") != std::string::npos);
  }

  TEST_CASE("a client that closes mid-request does not take the server down") {
    EchoServer server;
    {
      RawConnection half("127.0.0.1", server.port());
      REQUIRE(half.send("POST / HTTP/1.1\r\nHost: test\r\nContent-Length: 100\r\n\r\nabc"));
    }
    RawConnection client("127.0.0.1", server.port());
    REQUIRE(client.send(post("after")));
    CHECK(client.receive(5s, "after from").find("200 OK") != std::string::npos);
  }
}
