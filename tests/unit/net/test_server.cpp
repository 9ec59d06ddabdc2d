#include "http/request_reader.hpp"
#include "net/server.hpp"
#include "raw_client.hpp"

#include <chrono>
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <memory>
#include <mutex>
#include <semaphore>
#include <string>
#include <thread>

using namespace std::chrono_literals;
using linkhook::test::RawConnection;

namespace {

// An HttpServer on a free loopback port that echoes each body with "from METHOD PATH" appended
// (bodies over 1000 bytes are not read: "too large"), answers /large with 200 KiB, /throw with an
// exception and /slow after 300 ms (answer.delay_ms), served from its own thread until the fixture
// ends. With `workers`, worker threads answer, as for a listener that stores.
class EchoServer {
public:
  explicit EchoServer(int io_timeout_ms = 30000, std::size_t workers = 0,
                      std::size_t max_connections = 4096, std::size_t loops = 0)
      : m_server("127.0.0.1", 0, echo, options(io_timeout_ms, workers, max_connections, loops)) {
    m_thread = std::thread([this] { m_server.run(); });
  }
  EchoServer(const EchoServer&) = delete;
  EchoServer& operator=(const EchoServer&) = delete;
  ~EchoServer() { stop(); }

  int port() const { return m_server.port(); }

  void stop() {
    if (m_thread.joinable()) {
      m_server.stop();
      m_thread.join();
    }
  }

private:
  static linkhook::ServerOptions options(int io_timeout_ms, std::size_t workers,
                                         std::size_t max_connections, std::size_t loops) {
    linkhook::ServerOptions options;
    options.loops = loops;
    options.max_body = 1000;
    options.io_timeout_ms = io_timeout_ms;
    options.workers = workers;
    options.max_connections = max_connections;
    return options;
  }

  static void echo(const linkhook::HttpRequest& request, linkhook::HttpAnswer& answer,
                   const linkhook::HttpServer::Later& /*later*/) {
    if (request.path == "/large") {
      answer.body = std::string(200 * 1024, 'x');
    } else if (request.path == "/throw") {
      throw std::runtime_error("thrown");
    } else {
      answer.delay_ms = request.path == "/slow" ? 300 : 0;
      answer.body = (request.body_too_large ? "too large" : request.body) + " from " +
                    request.method + " " + request.path;
    }
  }

  linkhook::HttpServer m_server;
  std::thread m_thread;
};

std::string post(std::string_view body, std::string_view extra_headers = {}) {
  return "POST / HTTP/1.1\r\nHost: test\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n" + std::string(extra_headers) + "\r\n" + std::string(body);
}

// After a bad client: a fresh connection is still answered.
void check_still_serves(const EchoServer& server) {
  RawConnection client("127.0.0.1", server.port());
  REQUIRE(client.send(post("after")));
  CHECK(client.receive(std::chrono::seconds(5), "after from").find("200 OK") != std::string::npos);
}

int count(const std::string& text, std::string_view what) {
  int n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++n;
  }
  return n;
}

} // namespace

TEST_SUITE("net/server") {
  TEST_CASE("requests on one connection are answered in order, pipelined ones too") {
    for (const std::size_t workers :
         {std::size_t{0}, std::size_t{2}}) { // answered in the loop, or by worker threads
      CAPTURE(workers);
      EchoServer server(30000, workers);
      RawConnection client("127.0.0.1", server.port());
      REQUIRE(client.send(post("one")));
      const auto first = client.receive(5s, "one from POST /");
      CHECK(first.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
      REQUIRE(client.send(post("two") + post("three") + post("four")));
      const auto rest = client.receive(5s, "four from POST /");
      CHECK(count(rest, "HTTP/1.1 200 OK\r\n") == 3);
      CHECK(rest.find("two from") < rest.find("three from"));
      CHECK(rest.find("three from") < rest.find("four from"));
    }
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
    EchoServer server(1000);
    RawConnection client("127.0.0.1", server.port());
    REQUIRE(client.send(post("one")));
    CHECK(client.receive(5s, "one from").find("200 OK") != std::string::npos);
    CHECK(client.closed_within(5s));
  }

  TEST_CASE("stopping the server closes idle keep-alive connections without their timeout") {
    EchoServer server(60000);
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
      REQUIRE(client.send(post("under", headers(linkhook::RequestReader::k_max_head / 2))));
      CHECK(client.receive(5s, "under from").find("200 OK") != std::string::npos);
    }
    RawConnection flood("127.0.0.1", server.port());
    flood.send(post("over", headers(linkhook::RequestReader::k_max_head * 4)));
    const auto answer = flood.receive(5s, "bytes\n");
    CHECK(answer.rfind("HTTP/1.1 431 Request Header Fields Too Large\r\n", 0) == 0);
    CHECK(answer.find("larger than 65536 bytes") != std::string::npos);
    CHECK(answer.find("HTTP/1.1 400") == std::string::npos); // one answer only
    CHECK(flood.closed_within(5s));
    check_still_serves(server);
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
    check_still_serves(server);
  }

  TEST_CASE("a chunked body, with extensions and trailers, is read whole") {
    EchoServer server;
    RawConnection client("127.0.0.1", server.port());
    REQUIRE(client.send("POST /c HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"
                        "5;name=value\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n"));
    CHECK(client.receive(5s, "from POST /c").find("hello world from POST /c") != std::string::npos);
    REQUIRE(client.send(post("next"))); // the connection goes on
    CHECK(client.receive(5s, "next from POST /").find("200 OK") != std::string::npos);
  }

  TEST_CASE("a body over the limit is not read: the handler is told, the connection closed") {
    EchoServer server;
    RawConnection client("127.0.0.1", server.port());
    REQUIRE(client.send("POST / HTTP/1.1\r\nHost: test\r\nExpect: 100-continue\r\n"
                        "Content-Length: 5000\r\n\r\n"));
    const auto answer = client.receive(5s, "from POST /");
    CHECK(answer.find("100 Continue") == std::string::npos); // the client need not send it
    CHECK(answer.find("too large from POST /") != std::string::npos);
    CHECK(answer.find("Connection: close\r\n") != std::string::npos);
    CHECK(client.closed_within(5s));

    RawConnection chunked("127.0.0.1", server.port());
    REQUIRE(chunked.send("POST / HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"
                         "3e8\r\n" +
                         std::string(1000, 'x') + "\r\n1\r\ny\r\n0\r\n\r\n"));
    CHECK(chunked.receive(5s, "from POST /").find("too large from") != std::string::npos);
  }

  TEST_CASE("HEAD gets the headers of the answer without its body") {
    EchoServer server;
    RawConnection client("127.0.0.1", server.port());
    REQUIRE(client.send("HEAD /h HTTP/1.1\r\nHost: test\r\n\r\n" + post("after")));
    const auto answers = client.receive(5s, "after from POST /");
    CHECK(answers.find("Content-Length: 13\r\n") != std::string::npos); // " from HEAD /h"
    CHECK(answers.find("from HEAD") == std::string::npos);
    CHECK(count(answers, "HTTP/1.1 200 OK\r\n") == 2);
  }

  TEST_CASE("HTTP/1.0 and Connection: close end the connection after the answer") {
    EchoServer server;
    for (const auto* request :
         {"POST / HTTP/1.0\r\nContent-Length: 2\r\n\r\nab",
          "POST / HTTP/1.1\r\nConnection: close\r\nContent-Length: 2\r\n\r\nab"}) {
      CAPTURE(request);
      RawConnection client("127.0.0.1", server.port());
      REQUIRE(client.send(request));
      const auto answer = client.receive(5s, "ab from POST /");
      CHECK(answer.find("Connection: close\r\n") != std::string::npos);
      CHECK(client.closed_within(5s));
    }
    RawConnection kept("127.0.0.1", server.port());
    REQUIRE(kept.send("POST / HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nab" +
                      post("cd")));
    CHECK(count(kept.receive(5s, "cd from POST /"), "200 OK") == 2);
  }

  TEST_CASE("a malformed head is refused with its status, and the connection closed") {
    EchoServer server;
    const std::pair<const char*, const char*> cases[] = {
        {"POST / HTTP/1.1\nHost: test\n\n", "HTTP/1.1 400 "},
        {"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", "HTTP/1.1 400 "},
        {"POST / HTTP/1.1\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n",
         "HTTP/1.1 400 "},
        {"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", "HTTP/1.1 501 "},
        {"POST / HTTP/1.1\r\nExpect: the-unexpected\r\n\r\n", "HTTP/1.1 417 "},
        {"POST / HTTP/2.0\r\n\r\n", "HTTP/1.1 505 "},
        {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "HTTP/1.1 400 "},
    };
    for (const auto& [request, status] : cases) {
      CAPTURE(request);
      RawConnection client("127.0.0.1", server.port());
      REQUIRE(client.send(request));
      const auto answer = client.receive(5s, "\n\r\n");
      CHECK(answer.rfind(status, 0) == 0);
      CHECK(client.closed_within(5s));
    }
  }

  TEST_CASE("a handler that throws is answered 500, and the server goes on") {
    EchoServer server;
    RawConnection client("127.0.0.1", server.port());
    REQUIRE(client.send("GET /throw HTTP/1.1\r\n\r\n"));
    CHECK(client.receive(5s, "thrown\n").rfind("HTTP/1.1 500 Internal Server Error\r\n", 0) == 0);
    RawConnection next("127.0.0.1", server.port());
    REQUIRE(next.send("\r\n" + post("after"))); // an empty line before a request is skipped
    CHECK(next.receive(5s, "after from POST /").find("200 OK") != std::string::npos);
  }

  TEST_CASE("a delayed answer waits on a timer: the loop answers others meanwhile") {
    linkhook::ServerOptions one_loop;
    one_loop.loops = 1;
    linkhook::HttpServer server(
        "127.0.0.1", 0,
        [](const linkhook::HttpRequest& request, linkhook::HttpAnswer& answer,
           const linkhook::HttpServer::Later&) {
          answer.delay_ms = request.path == "/slow" ? 2000 : 0;
          answer.body = request.path;
        },
        one_loop);
    std::thread serving([&server] { server.run(); });
    RawConnection slow("127.0.0.1", server.port());
    RawConnection quick("127.0.0.1", server.port());
    REQUIRE(slow.send("GET /slow HTTP/1.1\r\n\r\n"));
    REQUIRE(quick.send("GET /quick HTTP/1.1\r\n\r\n"));
    CHECK(quick.receive(5s, "/quick").find("200 OK") != std::string::npos);
    CHECK(slow.receive(10ms).empty()); // still held: the quick one did not wait for it
    CHECK(slow.receive(5s, "/slow").find("200 OK") != std::string::npos);
    server.stop();
    serving.join();
  }

  TEST_CASE("a handler that answers later frees the loop: others are answered meanwhile") {
    linkhook::ServerOptions one_loop;
    one_loop.loops = 1;
    std::function<void()> answer_now;
    linkhook::HttpAnswer* held = nullptr;
    std::binary_semaphore deferred(0);
    linkhook::HttpServer server(
        "127.0.0.1", 0,
        [&](const linkhook::HttpRequest& request, linkhook::HttpAnswer& answer,
            const linkhook::HttpServer::Later& later) {
          answer.body = request.path;
          if (request.path == "/later") {
            answer_now = later();
            held = &answer;
            deferred.release();
          }
        },
        one_loop);
    std::thread serving([&server] { server.run(); });
    RawConnection waiting("127.0.0.1", server.port());
    REQUIRE(waiting.send("GET /later HTTP/1.1\r\n\r\n"));
    REQUIRE(deferred.try_acquire_for(5s));
    RawConnection quick("127.0.0.1", server.port());
    REQUIRE(quick.send("GET /quick HTTP/1.1\r\n\r\n"));
    CHECK(quick.receive(5s, "/quick").find("200 OK") != std::string::npos);
    CHECK(waiting.receive(10ms).empty());
    std::thread([&] {
      held->body = "answered later"; // from another thread, as a store's writer does
      answer_now();
    }).join();
    CHECK(waiting.receive(5s, "answered later").find("200 OK") != std::string::npos);
    server.stop();
    serving.join();
  }

  TEST_CASE("a head dripped a byte at a time is cut off at its deadline, not kept alive by it") {
    EchoServer server(500); // a read never waits 500 ms below: only the head's deadline ends it
    RawConnection client("127.0.0.1", server.port());
    const std::string head = "POST / HTTP/1.1\r\nX-Slow: " + std::string(200, 'a');
    bool closed = false;
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < head.size() && !closed; ++i) {
      closed = !client.send(head.substr(i, 1)) || client.closed_within(50ms);
    }
    CHECK(closed);
    CHECK(std::chrono::steady_clock::now() - start < 8s); // 200 bytes would take 10 s
    check_still_serves(server);
  }

  TEST_CASE("at the connection limit, a new connection closes the one that waited longest") {
    // One loop: each loop evicts among its own connections, and which loop accepts a connection
    // is the kernel's choice.
    EchoServer server(30000, 0, 2, 1);
    RawConnection oldest("127.0.0.1", server.port());
    REQUIRE(oldest.send(post("a")));
    CHECK(oldest.receive(5s, "a from").find("200 OK") != std::string::npos);
    RawConnection newer("127.0.0.1", server.port());
    REQUIRE(newer.send(post("b")));
    CHECK(newer.receive(5s, "b from").find("200 OK") != std::string::npos);
    RawConnection newest("127.0.0.1", server.port());
    REQUIRE(newest.send(post("c")));
    CHECK(newest.receive(5s, "c from").find("200 OK") != std::string::npos);
    CHECK(oldest.closed_within(5s));
    REQUIRE(newer.send(post("d"))); // kept
    CHECK(newer.receive(5s, "d from").find("200 OK") != std::string::npos);
  }

  TEST_CASE("stopping finishes a delayed answer before run() returns") {
    std::binary_semaphore handled(0);
    linkhook::HttpServer server(
        "127.0.0.1", 0,
        [&handled](const linkhook::HttpRequest&, linkhook::HttpAnswer& answer,
                   const linkhook::HttpServer::Later&) {
          answer.delay_ms = 300;
          handled.release();
        },
        linkhook::ServerOptions{});
    std::thread serving([&server] { server.run(); });
    RawConnection client("127.0.0.1", server.port());
    REQUIRE(client.send("GET / HTTP/1.1\r\n\r\n"));
    REQUIRE(handled.try_acquire_for(5s));
    server.stop(); // while the answer is held
    const auto answer = client.receive(5s);
    CHECK(answer.find("200 OK") != std::string::npos);
    CHECK(answer.find("Connection: close\r\n") != std::string::npos);
    serving.join();
  }
}

TEST_SUITE("net/server streamed answers") {
  // A server on one loop whose handler streams every answer and hands its stream to the test.
  struct StreamingServer {
    explicit StreamingServer(int io_timeout_ms = 30000)
        : server(
              "127.0.0.1", 0,
              [this](const linkhook::HttpRequest&, linkhook::HttpAnswer& answer,
                     const linkhook::HttpServer::Later& later) {
                answer.headers.add("Content-Type", "text/event-stream");
                auto s = later.stream();
                REQUIRE(s->push("first\n")); // before the head is out: sent after it
                const std::lock_guard lock(mutex);
                stream = std::move(s);
                opened.release();
              },
              options(io_timeout_ms)) {
      serving = std::thread([this] { server.run(); });
    }
    StreamingServer(const StreamingServer&) = delete;
    StreamingServer& operator=(const StreamingServer&) = delete;
    ~StreamingServer() {
      server.stop();
      serving.join();
    }

    static linkhook::ServerOptions options(int io_timeout_ms) {
      linkhook::ServerOptions o;
      o.loops = 1;
      o.io_timeout_ms = io_timeout_ms;
      return o;
    }

    std::shared_ptr<linkhook::AnswerStream> take() {
      REQUIRE(opened.try_acquire_for(5s));
      const std::lock_guard lock(mutex);
      return stream;
    }

    std::mutex mutex;
    std::shared_ptr<linkhook::AnswerStream> stream;
    std::binary_semaphore opened{0};
    linkhook::HttpServer server;
    std::thread serving;
  };

  TEST_CASE("bytes pushed from another thread go out as they come, and end() closes") {
    StreamingServer server;
    RawConnection client("127.0.0.1", server.server.port());
    REQUIRE(client.send("GET /stream HTTP/1.1\r\nHost: test\r\n\r\n"));
    auto stream = server.take();
    const auto head = client.receive(5s, "first\n");
    CHECK(head.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
    CHECK(head.find("Content-Type: text/event-stream\r\n") != std::string::npos);
    CHECK(head.find("Content-Length") == std::string::npos);
    CHECK(head.find("Connection: close\r\n\r\nfirst\n") != std::string::npos);
    std::thread([&] { CHECK(stream->push("second\n")); }).join();
    CHECK(client.receive(5s, "second\n") == "second\n");
    CHECK(client.receive(50ms).empty()); // nothing more until something is pushed
    std::thread([&] {
      CHECK(stream->push("last\n"));
      stream->end();
      CHECK_FALSE(stream->push("after the end\n"));
    }).join();
    CHECK(client.receive(5s) == "last\n"); // then the server closed
    CHECK(client.closed_within(5s));
  }

  TEST_CASE("a client that goes away makes pushes fail, and so does one that falls behind") {
    StreamingServer server;
    {
      RawConnection client("127.0.0.1", server.server.port());
      REQUIRE(client.send("GET /stream HTTP/1.1\r\n\r\n"));
      REQUIRE(client.receive(5s, "first\n").find("first\n") != std::string::npos);
    }
    auto gone = server.take();
    bool failed = false;
    for (int i = 0; i < 500 && !failed; ++i) {
      failed = !gone->push("x\n");
      std::this_thread::sleep_for(10ms); // the loop's turn to see the hang-up
    }
    CHECK(failed);

    // A client that reads nothing: once the kernel's buffers are full, the queue grows to its
    // bound, and then the server gives the client up instead of holding more.
    RawConnection stalled("127.0.0.1", server.server.port());
    REQUIRE(stalled.send("GET /stream HTTP/1.1\r\n\r\n"));
    auto stream = server.take();
    const std::string chunk(64 * 1024, 'y');
    std::size_t pushed = 0;
    while (stream->push(chunk)) {
      pushed += chunk.size();
      REQUIRE(pushed < 256 * linkhook::AnswerStream::k_max_queued);
    }
    CHECK(pushed >= linkhook::AnswerStream::k_max_queued);
    CHECK(stalled.closed_within(5s));
  }

  TEST_CASE("stopping the server ends an open stream") {
    auto server = std::make_unique<StreamingServer>();
    RawConnection client("127.0.0.1", server->server.port());
    REQUIRE(client.send("GET /stream HTTP/1.1\r\n\r\n"));
    auto stream = server->take();
    REQUIRE(client.receive(5s, "first\n").find("first\n") != std::string::npos);
    server.reset(); // stops and joins: returns although the stream never ended
    CHECK(client.closed_within(5s));
    CHECK_FALSE(stream->push("after the stop\n"));
  }
}
