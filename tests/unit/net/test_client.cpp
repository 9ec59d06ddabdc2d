#include "base/posix_file.hpp"
#include "net/client.hpp"

#include <arpa/inet.h>
#include <chrono>
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace linkhook;

namespace {

// A loopback server that answers with canned bytes: per connection, one answer per request it
// reads (head and Content-Length body), then it closes that connection and accepts the next.
class CannedServer {
public:
  // `hold`: after the last answer, keep the connection open until the client closes it.
  explicit CannedServer(std::vector<std::vector<std::string>> connections, bool hold = false)
      : m_hold(hold), m_socket(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    REQUIRE(::bind(m_socket.get(), reinterpret_cast<sockaddr*>(&address), size) == 0);
    REQUIRE(::listen(m_socket.get(), 8) == 0); // bound and listening: connects queue from here
    REQUIRE(::getsockname(m_socket.get(), reinterpret_cast<sockaddr*>(&address), &size) == 0);
    m_port = ntohs(address.sin_port);
    m_thread = std::thread([this, connections = std::move(connections)] { serve(connections); });
  }
  ~CannedServer() { wait(); }

  // Returns once every connection was served.
  void wait() {
    if (m_thread.joinable()) {
      m_thread.join();
    }
  }

  Url url() const { return {"http", "127.0.0.1", m_port, "/hook"}; }
  std::vector<std::string> requests; // as read, once the server is done

private:
  void serve(const std::vector<std::vector<std::string>>& connections) {
    for (const auto& answers : connections) {
      FileDescriptor client(::accept(m_socket.get(), nullptr, nullptr));
      std::string in;
      for (const auto& answer : answers) {
        std::size_t head_end = 0;
        while ((head_end = in.find("\r\n\r\n")) == std::string::npos || !whole(in, head_end)) {
          char buffer[4096];
          const auto n = ::recv(client.get(), buffer, sizeof buffer, 0);
          if (n <= 0) {
            return;
          }
          in.append(buffer, static_cast<std::size_t>(n));
        }
        const auto end = head_end + 4 + body_length(in.substr(0, head_end));
        requests.push_back(in.substr(0, end));
        in.erase(0, end);
        ::send(client.get(), answer.data(), answer.size(), MSG_NOSIGNAL);
      }
      char rest[4096];
      while (m_hold && ::recv(client.get(), rest, sizeof rest, 0) > 0) {
      }
    }
  }

  static std::size_t body_length(const std::string& head) {
    const auto at = head.find("Content-Length: ");
    return at == std::string::npos ? 0 : std::stoul(head.substr(at + 16));
  }
  static bool whole(const std::string& in, std::size_t head_end) {
    return in.size() >= head_end + 4 + body_length(in.substr(0, head_end));
  }

  bool m_hold;
  FileDescriptor m_socket;
  int m_port = 0;
  std::thread m_thread;
};

const Headers k_headers{{"Content-Type", "application/json"}, {"User-Agent", "test"}};

} // namespace

TEST_SUITE("net/client") {
  TEST_CASE("a chunked answer, a long one and an empty one share one kept-alive connection") {
    const std::string long_body(10000, 'x');
    CannedServer server({{
        "HTTP/1.1 500 Internal Server Error\r\nTransfer-Encoding: chunked\r\n\r\n"
        "6\r\nhello \r\n5\r\nworld\r\n0\r\nX-Trailer: t\r\n\r\n",
        "HTTP/1.1 400 Bad Request\r\nContent-Length: 10000\r\n\r\n" + long_body,
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n",
    }});
    {
      HttpConnection connection(server.url(), 5);
      auto outcome = connection.post(k_headers, R"({"a":1})");
      CHECK(outcome.status == 500);
      CHECK(outcome.body_prefix == "hello world");
      outcome = connection.post(k_headers, "{}");
      CHECK(outcome.status == 400);
      CHECK(outcome.body_prefix == long_body.substr(0, k_response_prefix_bytes));
      outcome = connection.post(k_headers, "{}");
      CHECK(outcome.status == 204);
      CHECK(outcome.error == DeliveryError::none);
    }
    REQUIRE(server.requests.size() == 3);
  }

  TEST_CASE("the request carries Host, the headers and Content-Length, then the exact body") {
    CannedServer server({{"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"}});
    HttpConnection connection(server.url(), 5);
    CHECK(connection.post({{"webhook-id", "msg_1"}, {"Content-Length", "99"}}, "{}").status == 200);
    server.wait();
    REQUIRE(server.requests.size() == 1);
    CHECK(server.requests[0] ==
          "POST /hook HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(server.url().port) +
              "\r\nwebhook-id: msg_1\r\nContent-Length: 2\r\n\r\n{}");
  }

  TEST_CASE("a connection the server closed after answering is replaced, once") {
    CannedServer server({{"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"},
                         {"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"}});
    HttpConnection connection(server.url(), 5);
    CHECK(connection.post(k_headers, "{}").status == 200);
    const auto outcome = connection.post(k_headers, "{}"); // on a closed connection: a new one
    CHECK(outcome.status == 201);
    CHECK(outcome.error_text.empty());
  }

  TEST_CASE("an HTTP/1.0 answer without a length runs to the close of the connection") {
    CannedServer server({{"HTTP/1.0 403 Forbidden\r\n\r\nnot you"},
                         {"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"},
                         {"HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n"}});
    HttpConnection connection(server.url(), 5);
    auto outcome = connection.post(k_headers, "{}");
    CHECK(outcome.status == 403);
    CHECK(outcome.body_prefix == "not you");
    CHECK(outcome.error == DeliveryError::none);
    outcome = connection.post(k_headers, "{}");
    CHECK(outcome.status == 200);
    CHECK(outcome.body_prefix == "ok");
    CHECK(connection.post(k_headers, "{}").status == 202);
  }

  TEST_CASE("framing headers are read as lists of tokens, and chunk sizes and lengths strictly") {
    // The old client found "chunked" and "close" anywhere in a value, read the digits a chunk
    // size or Content-Length began with, and let the rest pass.
    const std::vector<std::string> first{
        "HTTP/1.1 200 OK\r\nConnection: notclose\r\nTransfer-Encoding: notchunked\r\n"
        "Content-Length: 2\r\n\r\nok",
        "HTTP/1.1 500 Oops\r\nTransfer-Encoding: chunked\r\n\r\n5 garbage\r\nhello\r\n0\r\n\r\n"};
    const std::vector<std::string> second{"HTTP/1.1 200 OK\r\nContent-Length: 2abc\r\n\r\nok"};
    CannedServer server({first, second});
    HttpConnection connection(server.url(), 5);
    const auto plain = connection.post(k_headers, "{}");
    CHECK(plain.status == 200);
    CHECK(plain.body_prefix == "ok");
    const auto chunked = connection.post(k_headers, "{}"); // on the same connection, kept
    CHECK(chunked.error == DeliveryError::other);
    CHECK(chunked.error_text == "the answer's chunked body is malformed (an HTTP 500 answer "
                                "began, its body did not end)");
    const auto length = connection.post(k_headers, "{}");
    CHECK(length.error == DeliveryError::other);
    CHECK(length.error_text == "the answer's Content-Length is malformed (an HTTP 200 answer "
                               "began, its body did not end)");
  }

  TEST_CASE("garbage is not HTTP, and a closed port is refused") {
    int port = 0;
    {
      CannedServer server({{"SMTP ready\r\n\r\n"}});
      port = server.url().port;
      HttpConnection connection(server.url(), 5);
      const auto garbage = connection.post(k_headers, "{}");
      CHECK(garbage.error == DeliveryError::other);
      CHECK(garbage.error_text == "the answer is not HTTP/1.x");
    } // the server's socket is closed here
    HttpConnection closed({"http", "127.0.0.1", port, "/"}, 5);
    const auto refused = closed.post(k_headers, "{}");
    CHECK(refused.error == DeliveryError::refused);
    CHECK(refused.status == 0);
  }

  TEST_CASE("an answer that stops halfway is a timeout within the timeout, not per read") {
    CannedServer server({{"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"}}, true);
    HttpConnection connection(server.url(), 0.3);
    const auto start = std::chrono::steady_clock::now();
    const auto outcome = connection.post(k_headers, "{}");
    CHECK(outcome.error == DeliveryError::timeout);
    CHECK(outcome.status == 0); // a 200 whose body never ended is no answer
    CHECK(!outcome.ok());
    CHECK(outcome.error_text ==
          "no answer within 0.3s (an HTTP 200 answer began, its body did not end)");
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(1500));
  } // the connection closes first, then the server ends

  TEST_CASE("a body is read up to its bound, its prefix kept, and past the bound the post fails") {
    const auto chunked = [](std::size_t size) {
      const std::string chunk(64 * 1024, 'c');
      std::string answer = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
      for (std::size_t sent = 0; sent < size; sent += chunk.size()) {
        const auto n = std::min(chunk.size(), size - sent);
        answer += fmt::format("{:x}\r\n", n) + chunk.substr(0, n) + "\r\n";
      }
      return answer + "0\r\n\r\n";
    };
    const auto bound = static_cast<std::size_t>(k_max_answer_body_bytes);
    const std::string past_bound = "the answer's body is over 1 MiB (an HTTP 200 answer began, its "
                                   "body did not end)";
    CannedServer server({{chunked(bound), chunked(bound + 1)},
                         {"HTTP/1.0 200 OK\r\n\r\n" + std::string(bound + 1, 'u')},
                         {"HTTP/1.1 200 OK\r\nContent-Length: 1048577\r\n\r\n"}},
                        true);
    HttpConnection connection(server.url(), 5);
    auto outcome = connection.post(k_headers, "{}");
    CHECK(outcome.ok());
    CHECK(outcome.body_prefix == std::string(k_response_prefix_bytes, 'c'));
    CHECK(outcome.body_cut);
    for (int past = 0; past < 3; ++past) { // chunked, until the close, a length announced
      const auto start = std::chrono::steady_clock::now();
      outcome = connection.post(k_headers, "{}");
      CHECK(outcome.error == DeliveryError::other);
      CHECK(outcome.error_text == past_bound);
      CHECK(outcome.body_prefix.empty());
      CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
    }
  }

  TEST_CASE("a head past 64 KiB fails the post, naming the bound") {
    CannedServer server({{"HTTP/1.1 200 OK\r\nX-Big: " + std::string(70 * 1024, 'h') +
                          "\r\nContent-Length: 0\r\n\r\n"}});
    HttpConnection connection(server.url(), 5);
    const auto outcome = connection.post(k_headers, "{}");
    CHECK(outcome.error == DeliveryError::other);
    CHECK(outcome.error_text == "the answer's head is over 64 KiB");
  }
}
