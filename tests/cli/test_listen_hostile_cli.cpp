// Input no honest sender produces: the listener answers each with the right status, never
// crashes, and keeps serving genuine deliveries meanwhile; every case holds over HTTP and HTTPS
// alike (one connection loop and parser serves both).
#include "cli_helpers.hpp"
#include "listener_fixture.hpp"
#include "raw_client.hpp"
#include "tls_helpers.hpp"

using namespace linkhook::test;
using Json = nlohmann::json;

namespace {

const std::string k_body = R"({"event":"link.created","data":{}})";

// Over HTTPS when `tls` is set: the cases that loop over both protocols hold for either.
RunningListener start(std::vector<std::string> extra = {}, bool tls = false) {
  std::vector<std::string> args{"--secret", k_test_secret, "--no-store", "--io-timeout", "1"};
  args.insert(args.end(), extra.begin(), extra.end());
  const TempDir dir;
  const auto tls_arguments = tls_args(dir, tls);
  args.insert(args.end(), tls_arguments.begin(), tls_arguments.end());
  return RunningListener(args);
}

RawConnection connect(const RunningListener& listener, bool tls) {
  return RawConnection("127.0.0.1", port_of(listener.url()), tls);
}

std::string request_head(const httplib::Headers& headers) {
  std::string head = "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n";
  for (const auto& [name, value] : headers) {
    head += name + ": " + value + "\r\n";
  }
  return head;
}

std::string hex(std::size_t n) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%zx", n);
  return buffer;
}

void check_still_serving(RunningListener& listener) {
  const auto response = post(listener.url(), signed_headers(k_body), k_body);
  REQUIRE(response);
  CHECK(response->status == 200);
}

} // namespace

TEST_SUITE("cli.listen.hostile") {
  TEST_CASE("garbled signature headers get 401 with what was expected") {
    for (const bool tls : {false, true}) {
      CAPTURE(tls);
      auto listener = start({}, tls);
      for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
               {"webhook-signature", "garbage"},
               {"webhook-signature", "v1,!!!not-base64!!!"},
               {"webhook-timestamp", "yesterday"},
               {"webhook-id", ""}}) {
        auto headers = signed_headers(k_body);
        headers.erase(name);
        headers.emplace(name, value);
        const auto response = post(listener.url(), headers, k_body);
        REQUIRE(response);
        CHECK_MESSAGE(response->status == 401, name, ": ", value);
        CHECK(!response->body.empty());
      }
      check_still_serving(listener);
    }
  }

  TEST_CASE("an empty body and invalid UTF-8, properly signed, are not JSON: 400") {
    for (const bool tls : {false, true}) {
      CAPTURE(tls);
      auto listener = start({}, tls);
      for (const std::string& body : {std::string(), std::string("{\"event\":\"\xff\xfe\"}")}) {
        const auto response = post(listener.url(), signed_headers(body), body);
        REQUIRE(response);
        CHECK(response->status == 400);
      }
      check_still_serving(listener);
    }
  }

  TEST_CASE("a Content-Length far beyond --max-body gets 413 and its body is never kept") {
    for (const bool tls : {false, true}) {
      CAPTURE(tls);
      auto listener = start({"--max-body", "1024"}, tls);
      auto connection = connect(listener, tls);
      connection.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000000\r\n\r\n");
      const auto answer = connection.receive(5s, "\r\n\r\n");
      CHECK(answer.starts_with("HTTP/1.1 413"));
      check_still_serving(listener);
    }
  }

  TEST_CASE("a huge header is refused and the listener goes on") {
    for (const bool tls : {false, true}) {
      CAPTURE(tls);
      auto listener = start({}, tls);
      auto connection = connect(listener, tls);
      connection.send("POST / HTTP/1.1\r\nHost: x\r\nX-Flood: " + std::string(200000, 'a') +
                      "\r\nContent-Length: 2\r\n\r\n{}");
      const auto answer = connection.receive(5s, "\r\n\r\n");
      CHECK((answer.empty() || answer.starts_with("HTTP/1.1 4")));
      check_still_serving(listener);
    }
  }

  TEST_CASE("a client that sends half a request and stalls is cut off, others are served") {
    for (const bool tls : {false, true}) {
      CAPTURE(tls);
      auto listener = start({}, tls);
      auto staller = connect(listener, tls);
      staller.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"ev");
      check_still_serving(listener);    // while the staller holds its connection
      CHECK(staller.closed_within(5s)); // --io-timeout 1
      check_still_serving(listener);
    }
  }

  // The head deadline: --io-timeout bounds the whole head, not each read of it. A client that
  // sends a header line every 0.3 s never lets a read time out: with per-read timeouts it holds
  // its connection for as long as it drips; with the deadline it is closed about --io-timeout
  // after its first byte. It drips for 5 s at most.
  TEST_CASE("head deadline: a client dripping a header line every 0.3 s is closed within 4 s") {
    for (const bool tls : {false, true}) {
      CAPTURE(tls);
      auto listener = start({}, tls);
      auto dripper = connect(listener, tls);
      const auto began = std::chrono::steady_clock::now();
      const auto held = [&] { return std::chrono::steady_clock::now() - began; };
      REQUIRE(dripper.send("POST / HTTP/1.1\r\n"));
      bool closed = false;
      // Each wait for the close is also the dripper's pace.
      for (int line = 0; !closed && held() < 5s; ++line) {
        closed = dripper.closed_within(300ms) ||
                 !dripper.send("X-Drip-" + std::to_string(line) + ": a\r\n");
      }
      const auto held_ms = held() / 1ms;
      const auto why = closed ? "closed only after " + std::to_string(held_ms) + " ms"
                              : std::string("still open after 5 s: the head's timeout is per read");
      CHECK_MESSAGE((closed && held_ms < 4000), why);
      check_still_serving(listener);
    }
  }

  TEST_CASE("a chunked body is read whole and verified") {
    for (const bool tls : {false, true}) {
      CAPTURE(tls);
      auto listener = start({}, tls);
      auto connection = connect(listener, tls);
      connection.send(request_head(signed_headers(k_body)) + "Transfer-Encoding: chunked\r\n\r\n" +
                      hex(10) + "\r\n" + k_body.substr(0, 10) + "\r\n" + hex(k_body.size() - 10) +
                      "\r\n" + k_body.substr(10) + "\r\n0\r\n\r\n");
      const auto answer = connection.receive(5s, "verified");
      CHECK_MESSAGE(answer.starts_with("HTTP/1.1 200"), answer);
    }
  }

  TEST_CASE("one kept-alive connection carries many deliveries (more than httplib's default 5)") {
    for (const bool tls : {false, true}) {
      CAPTURE(tls);
      auto listener = start({}, tls);
      auto connection = connect(listener, tls);
      for (int i = 0; i < 12; ++i) {
        const auto request = request_head(signed_headers(k_body)) +
                             "Content-Length: " + std::to_string(k_body.size()) + "\r\n\r\n" +
                             k_body;
        REQUIRE(connection.send(request));
        const auto answer = connection.receive(5s, "verified\n");
        CHECK_MESSAGE(answer.starts_with("HTTP/1.1 200"), "delivery ", i, ": ", answer);
        CHECK(answer.find("Connection: close") == std::string::npos);
      }
    }
  }

  TEST_CASE("pipelined requests: the first is answered and the listener stays healthy") {
    // Webhook senders do not pipeline; what matters is that the first is answered and nothing
    // breaks.
    const auto one = request_head(signed_headers(k_body)) +
                     "Content-Length: " + std::to_string(k_body.size()) + "\r\n\r\n" + k_body;
    for (const bool tls : {false, true}) {
      CAPTURE(tls);
      auto listener = start({}, tls);
      auto connection = connect(listener, tls);
      connection.send(one + one + one);
      CHECK(connection.receive(5s, "verified").starts_with("HTTP/1.1 200"));
      check_still_serving(listener);
    }
  }

  TEST_CASE("a connection reset mid-request does not disturb the listener") {
    for (const bool tls : {false, true}) {
      CAPTURE(tls);
      auto listener = start({}, tls);
      for (int i = 0; i < 20; ++i) {
        auto connection = connect(listener, tls);
        connection.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n{\"a\":");
      } // each closes with data unread on the listener's side
      check_still_serving(listener);
    }
  }
}
