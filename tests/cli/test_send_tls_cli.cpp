#include "send_helpers.hpp"
#include "temp_dir.hpp"
#include "tls_helpers.hpp"

#include <chrono>
#include <condition_variable>
#include <csignal>
#include <mutex>
#include <thread>

using namespace linkhook::test;
using Json = nlohmann::json;

TEST_SUITE("cli.send.tls") {
  TEST_CASE("a self-signed certificate is rejected, trusted with --ca-file, ignored with "
            "--insecure") {
    TempDir dir;
    const auto [cert, key] = make_self_signed_certificate(dir);
    RunningListener listener({"--secret", k_test_secret, "--no-store", "--tls-cert", cert,
                              "--tls-key", key, "--timeout", "20"});
    REQUIRE(listener.url().starts_with("https://127.0.0.1:"));

    auto r = send_to(listener.url(), {"link.clicked", "--no-store", "--json"});
    CHECK(r.exit_code == 1);
    auto lines = json_lines(r.out);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0]["error"] == "tls");
    CHECK(lines[1]["summary"]["errors"]["tls"] == 1);

    r = send_to(listener.url(), {"link.clicked", "--no-store", "--json", "--ca-file", cert});
    CHECK_MESSAGE(r.exit_code == 0, (r.out + r.err));
    CHECK(json_lines(r.out)[0]["status"] == 200);
    CHECK(r.err.empty());

    r = send_to(listener.url(), {"link.clicked", "--no-store", "--insecure"});
    CHECK_MESSAGE(r.exit_code == 0, (r.out + r.err));
    CHECK(r.err.find("warning: --insecure") != std::string::npos);
  }

  TEST_CASE("SIGINT while an https answer is awaited ends the wait soon: the summary, exit 130") {
    TempDir dir;
    const auto [cert, key] = make_self_signed_certificate(dir);
    httplib::SSLServer server(cert.c_str(), key.c_str());
    std::mutex mutex;
    std::condition_variable changed;
    bool arrived = false;
    bool released = false;
    server.Post("/", [&](const httplib::Request&, httplib::Response& response) {
      std::unique_lock lock(mutex);
      arrived = true;
      changed.notify_all();
      changed.wait(lock, [&] { return released; }); // no answer until the test is done
      response.status = 200;
    });
    const int port = server.bind_to_any_port("127.0.0.1");
    REQUIRE(port > 0);
    std::thread serving([&server] { server.listen_after_bind(); }); // bound: connects queue
    Process send({linkhook_binary(), "send", "link.clicked", "--url",
                  "https://127.0.0.1:" + std::to_string(port) + "/", "--insecure", "--secret",
                  k_test_secret, "--timeout", "30", "--no-store", "--json"});
    bool request_came = false;
    {
      std::unique_lock lock(mutex);
      request_came = changed.wait_for(lock, 10s, [&] { return arrived; });
    }
    CHECK(request_came);
    interrupt_awaiting_send(send);
    {
      std::lock_guard lock(mutex);
      released = true;
    }
    changed.notify_all();
    server.stop();
    serving.join();
  }

  TEST_CASE("a trusted certificate for another name is rejected: the host name is checked") {
    TempDir dir;
    const auto [cert, key] = make_self_signed_certificate(dir); // for 127.0.0.1 only
    RawServer server([](RawConnection& client) { client.closed_within(10s); }, RawTls{cert, key});
    const auto url = "https://localhost:" + std::to_string(port_of(server.url())) + "/";
    const auto r = send_to(url, {"link.clicked", "--no-store", "--json", "--ca-file", cert});
    CHECK(r.exit_code == 1);
    const auto lines = json_lines(r.out);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0]["error"] == "tls");
    CHECK_MESSAGE(lines[0]["reason"].get<std::string>().find("hostname mismatch") !=
                      std::string::npos,
                  lines[0]["reason"]);
  }

  TEST_CASE("a --ca-file that cannot be read is a usage error") {
    TempDir dir;
    check_usage_error(send_to("https://127.0.0.1:1/", {"link.clicked", "--no-store", "--ca-file",
                                                       (dir / "missing.pem").string()}),
                      "--ca-file");
  }
}
