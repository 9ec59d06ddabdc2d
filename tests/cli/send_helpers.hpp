#pragma once

#include "cli_helpers.hpp"
#include "listener_fixture.hpp"
#include "raw_server.hpp"

#include <chrono>
#include <csignal>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

// Shared by the send CLI tests: `linkhook send` with the test secret, its JSON lines parsed.
namespace linkhook::test {

inline Result send_to(const std::string& url, std::vector<std::string> args,
                      std::string_view input = {}) {
  args.insert(args.begin(), {"send", "--url", url, "--secret", k_test_secret});
  return run_linkhook(args, input, {{"NO_COLOR", "1"}});
}

inline std::vector<nlohmann::json> json_lines(const std::string& out) {
  std::vector<nlohmann::json> parsed;
  for (const auto& line : lines_of(out)) {
    parsed.push_back(nlohmann::json::parse(line));
  }
  return parsed;
}

// Interrupts a `send --json` that awaits its one answer: it must end within 2 s, exit 130, and
// print the delivery and a summary that counts it as interrupted. Returns the JSON lines.
inline std::vector<nlohmann::json> interrupt_awaiting_send(Process& send) {
  const auto start = std::chrono::steady_clock::now();
  send.send_signal(SIGINT);
  CHECK(send.wait(std::chrono::seconds(10)) == 130);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
  auto lines = json_lines(send.rest_of_out());
  CHECK(lines.size() == 2);
  if (lines.size() == 2) {
    CHECK(lines[1]["summary"]["errors"]["interrupted"] == 1);
  }
  return lines;
}

// Answers that begin "200 OK" and never end: a chunked body that drips forever, and a
// Content-Length that is never reached. Each returns once the client has gone.
inline std::vector<std::function<void(RawConnection&)>> unfinished_answers() {
  return {[](RawConnection& client) {
            client.send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
            while (client.send("1\r\na\r\n") && !client.closed_within(20ms)) {
            }
          },
          [](RawConnection& client) {
            client.send("HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\nabc");
            client.closed_within(30s);
          }};
}

// A server's answer that a client must cut short, and how `send` names the cut.
struct HostileAnswer {
  std::string name;
  std::function<void(RawConnection&)> answer; // returns once the client has gone
  std::string error;                          // the delivery's "error"
  std::string reason;                         // a part of its "reason"
};

// Sends `first`, then `piece` again and again (every `pause`, or as fast as the client reads)
// until the client has gone.
inline std::function<void(RawConnection&)> repeating(std::string first, std::string piece,
                                                     std::chrono::milliseconds pause) {
  return [=](RawConnection& client) {
    client.send(first);
    while (client.send(piece) && !client.closed_within(pause)) {
    }
  };
}

// The servers an outside tester points `send` at: none may hold it past --timeout (2 s in the
// reasons) nor make it keep more than a bounded part of what they send.
inline std::vector<HostileAnswer> hostile_answers() {
  const std::string flood(16 * 1024, 'a');
  const std::string ok = "HTTP/1.1 200 OK\r\n";
  return {
      {"hangs", [](RawConnection& client) { client.closed_within(30s); }, "timeout",
       "no answer within 2s"},
      {"drips a head, a byte every 0.5 s", repeating("", "H", 500ms), "timeout",
       "no answer within 2s"},
      {"an endless chunked body",
       repeating(ok + "Transfer-Encoding: chunked\r\n\r\n", "4000\r\n" + flood + "\r\n", 0ms),
       "other", "the answer's body is over 1 MiB"},
      {"a huge Content-Length, slowly",
       repeating(ok + "Content-Length: 100000000000\r\n\r\n", "x", 500ms), "other",
       "the answer's body is over 1 MiB"},
      {"endless headers", repeating(ok, "X-Flood: " + flood + "\r\n", 0ms), "other",
       "the answer's head is over 64 KiB"},
      {"garbage",
       repeating(std::string("\x16\x03\x01\0\xff garbage\r\n\r\n", 17),
                 std::string("\0\xfe\xfd", 3), 0ms),
       "other", "the answer is not HTTP/1.x"},
  };
}

} // namespace linkhook::test
