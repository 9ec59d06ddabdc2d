// What a listener's exit status and answers claim (issue 14, "no false greens"): --max-events
// counts only what the filters let through, a failed forward fails the run, a repeated signature
// header is refused, the secret's fingerprint never leaves the machine, out-of-range times are
// usage errors, and SIGINT stops a listener even when its parent ignored SIGINT.
#include "cli_helpers.hpp"
#include "listener_fixture.hpp"
#include "raw_client.hpp"
#include "temp_dir.hpp"

#include <csignal>
#include <fcntl.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

using namespace linkhook::test;
using Json = nlohmann::json;

namespace {

const std::string k_clicked = R"({"event":"link.clicked","data":{}})";
const std::string k_milestone = R"({"event":"analytics.milestone","data":{}})";

std::vector<std::string> with_secret(std::vector<std::string> args) {
  args.insert(args.begin(), {"--secret", k_test_secret, "--no-store"});
  return args;
}

// The URL of a port nothing listens on any more.
std::string closed_url() {
  RunningListener gone_soon(with_secret({}));
  return gone_soon.url();
}

// One request written byte for byte, "Connection: close", and the whole answer.
std::string raw_post(const RunningListener& listener, const std::string& headers,
                     const std::string& body) {
  RawConnection connection("127.0.0.1", port_of(listener.url()));
  REQUIRE(connection.send("POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + headers +
                          "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body));
  return connection.receive(10s);
}

// `linkhook sign` of `body` as raw header lines.
std::string signed_lines(const std::string& body, const std::vector<std::string>& sign_args) {
  std::vector<std::string> args{"sign"};
  args.insert(args.end(), sign_args.begin(), sign_args.end());
  args.emplace_back("-");
  const auto signed_out = run_linkhook(args, body);
  REQUIRE(signed_out.exit_code == 0);
  std::string lines;
  for (const auto& line : lines_of(signed_out.out)) {
    lines += line + "\r\n";
  }
  return lines;
}

// "... (fp 1a2b3c4d) ..." → "1a2b3c4d"
std::string fingerprint_in(const std::string& text) {
  const auto at = text.find("(fp ");
  REQUIRE_MESSAGE(at != std::string::npos, text);
  return text.substr(at + 4, 8);
}

} // namespace

TEST_SUITE("cli.listen.verdict") {
  TEST_CASE("--max-events counts only the deliveries that --events and --filter let through") {
    RunningListener listener(
        with_secret({"--events", "analytics.milestone", "--max-events", "1", "--timeout", "20"}));
    CHECK(post(listener.url(), signed_headers(k_clicked), k_clicked)->status == 200);
    CHECK(Json::parse(listener.next_line())["outcome"] == "filtered");
    const auto wanted = post(listener.url(), signed_headers(k_milestone), k_milestone);
    REQUIRE_MESSAGE(wanted, "the listener stopped at a delivery it filtered out");
    CHECK(wanted->status == 200);
    CHECK(Json::parse(listener.next_line())["outcome"] == "accepted");
    CHECK(listener.process().wait() == 0);
    CHECK(listener.process().err().find("1 filtered out") != std::string::npos);

    const auto clicked_headers = signed_headers(k_clicked); // signed before the clock runs
    RunningListener waiting(
        with_secret({"--events", "analytics.milestone", "--max-events", "1", "--timeout", "2"}));
    post(waiting.url(), clicked_headers, k_clicked); // answered, or too late: neither counts
    CHECK(waiting.process().wait() == 1);            // what it waited for never came
    CHECK(waiting.process().err().find("with 0 of 1 delivery") != std::string::npos);
  }

  TEST_CASE("a delivery the application behind --forward-to did not accept fails the listener") {
    RunningListener down(
        with_secret({"--forward-to", closed_url(), "--max-events", "1", "--timeout", "20"}));
    CHECK(post(down.url(), signed_headers(k_clicked), k_clicked)->status == 502);
    CHECK(down.process().wait() == 1);
    CHECK(down.process().err().find("1 not accepted by the forward target") != std::string::npos);

    // The application fails on purpose: its own exit says nothing failed, the relay's says 500.
    RunningListener app(with_secret({"--status", "500", "--max-events", "1", "--timeout", "20"}));
    RunningListener relay(
        with_secret({"--forward-to", app.url(), "--max-events", "1", "--timeout", "20"}));
    CHECK(post(relay.url(), signed_headers(k_clicked), k_clicked)->status == 500);
    CHECK(app.process().wait() == 0);
    CHECK(relay.process().wait() == 1);
  }

  TEST_CASE("a signature header on two lines gets 401 naming it") {
    RunningListener listener(with_secret({"--max-events", "1", "--timeout", "20"}));
    const auto headers = signed_lines(k_clicked, {"--secret", k_test_secret});
    const auto answer =
        raw_post(listener, headers + "Webhook-Timestamp: 1\r\n", k_clicked); // a second line
    CHECK_MESSAGE(answer.starts_with("HTTP/1.1 401"), answer);
    CHECK(answer.find("repeated header Webhook-Timestamp") != std::string::npos);
    const auto line = Json::parse(listener.next_line());
    CHECK(line["verified"] == false);
    CHECK(listener.process().wait() == 1);
  }

  TEST_CASE("a 401 answer never carries the secret's fingerprint, local output does") {
    // A github secret is any string the user chose: its fingerprint would confirm a guess.
    RunningListener listener(
        {"--scheme", "github", "--secret", "guessable", "--no-store", "--max-events", "1"});
    const auto headers = signed_lines(k_clicked, {"--scheme", "github", "--secret", "other"});
    const auto answer = raw_post(listener, headers, k_clicked);
    CHECK_MESSAGE(answer.starts_with("HTTP/1.1 401"), answer);
    CHECK(answer.find("no signature matches") != std::string::npos);
    const auto line = Json::parse(listener.next_line());
    const auto fingerprint = fingerprint_in(line["reason"].get<std::string>());
    CHECK_MESSAGE(answer.find(fingerprint) == std::string::npos, answer);
    CHECK_MESSAGE(answer.find("(fp") == std::string::npos, answer);
    CHECK(listener.process().wait() == 1);
  }

  TEST_CASE("times beyond their range are usage errors naming the range") {
    const std::vector<std::string> base = {"listen",     "--secret", k_test_secret,
                                           "--no-store", "--port",   "0"};
    const auto listen_with = [&base](std::vector<std::string> extra) {
      auto args = base;
      args.insert(args.end(), extra.begin(), extra.end());
      return run_linkhook(args);
    };
    check_usage_error(listen_with({"--timeout", "1e10"}), "--timeout must be");
    check_usage_error(listen_with({"--timeout", "1e10"}), "31536000");
    check_usage_error(listen_with({"--forward-timeout", "1e10"}), "--forward-timeout must be");
    check_usage_error(listen_with({"--forward-timeout", "0"}), "--forward-timeout must be");
    check_usage_error(listen_with({"--io-timeout", "3000000"}), "--io-timeout must be");
    check_usage_error(listen_with({"--delay", "2000000000"}), "--delay must be");
    // The largest allowed value still waits: --max-events stops it, not the timeout.
    RunningListener patient(with_secret({"--timeout", "31536000", "--max-events", "1"}));
    CHECK(post(patient.url(), signed_headers(k_clicked), k_clicked)->status == 200);
    CHECK(patient.process().wait() == 0);
    CHECK(patient.process().err().find("--max-events reached") != std::string::npos);
  }

  TEST_CASE("SIGINT stops a listener whose parent ignored it, even before it listens") {
    // A non-interactive shell starts background jobs with SIGINT ignored; exec keeps that.
    const auto ignoring = [](std::vector<std::string> args) {
      std::vector<std::string> argv = {"bash",
                                       "-c",
                                       "trap '' INT TERM; exec \"$@\"",
                                       "bash",
                                       linkhook_binary(),
                                       "listen",
                                       "--port",
                                       "0",
                                       "--json"};
      argv.insert(argv.end(), args.begin(), args.end());
      return argv;
    };
    Process listening(ignoring(with_secret({})));
    REQUIRE(listening.read_line(10s));
    listening.send_signal(SIGINT);
    CHECK(listening.wait(5s) == 130);

    // Held before its signal handling starts: reading its config file from a FIFO.
    TempDir dir;
    const auto fifo = (dir / "config.toml").string();
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    Process starting(ignoring(with_secret({"--config", fifo})));
    int writer = -1;
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (writer < 0 && std::chrono::steady_clock::now() < deadline) {
      writer = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC); // once it reads the FIFO
      if (writer < 0) {
        std::this_thread::sleep_for(5ms);
      }
    }
    REQUIRE(writer >= 0);
    starting.send_signal(SIGINT);
    ::close(writer); // an empty config: were the signal lost, it would now listen for ever
    CHECK(starting.wait(5s) == 130);
  }
}
