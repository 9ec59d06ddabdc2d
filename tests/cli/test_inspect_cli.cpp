// linkhook inspect: the JSON API over a store that a real listener fills, read with an
// independent HTTP client (cpp-httplib).
#include "cli_helpers.hpp"
#include "listener_fixture.hpp"
#include "temp_dir.hpp"

#include <httplib.h>
#include <semaphore>
#include <set>
#include <thread>

using namespace linkhook::test;
using Json = nlohmann::json;

namespace {

constexpr const char* k_other_secret = "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

// `linkhook inspect` on a free port over `store`, once it has printed its URL.
struct RunningInspector {
  explicit RunningInspector(const TempDir& store, const std::vector<std::string>& extra = {})
      : process(command(store, extra)) {
    const auto line = process.read_line(std::chrono::seconds(10));
    REQUIRE(line);
    url = Json::parse(*line)["inspector"].get<std::string>();
    REQUIRE(url.starts_with("http://127.0.0.1:"));
    origin = url.substr(0, url.size() - 1);
  }

  static std::vector<std::string> command(const TempDir& store,
                                          const std::vector<std::string>& extra) {
    std::vector<std::string> argv = {linkhook_binary(),    "inspect", "--addr",
                                     "127.0.0.1:0",        "--json",  "--store",
                                     store.path().string()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return argv;
  }

  // GET of a path relative to the URL; the status and the parsed JSON answer.
  std::pair<int, Json> get(const std::string& path, const httplib::Headers& headers = {}) const {
    httplib::Client client(origin);
    client.set_read_timeout(30, 0);
    const auto result = client.Get("/" + path, headers);
    REQUIRE(result);
    return {result->status, Json::parse(result->body)};
  }

  Process process;
  std::string url;
  std::string origin;
};

// Sends `count` EVENT deliveries to the listener signed with `secret`; they may be rejected.
void send(const RunningListener& listener, const std::string& event, int count,
          const std::string& secret = k_test_secret) {
  run_linkhook({"send", event, "--count", std::to_string(count), "--url", listener.url(),
                "--secret", secret, "--no-store", "--quiet"});
}

} // namespace

TEST_SUITE("cli.inspect") {
  TEST_CASE("api/deliveries lists newest first, filters, and pages with a cursor") {
    TempDir store;
    RunningListener listener({"--secret", k_test_secret, "--store", store.path().string()});
    send(listener, "link.clicked", 5);
    send(listener, "qr.scanned", 2, k_other_secret); // rejected: 401
    send(listener, "team.member_added", 1);
    RunningInspector inspector(store);

    const auto [status, all] = inspector.get("api/deliveries");
    REQUIRE(status == 200);
    REQUIRE(all["deliveries"].size() == 8);
    CHECK(all["next"].is_null());
    const auto& newest = all["deliveries"][0];
    CHECK(newest["event"] == "team.member_added");
    CHECK(newest["kind"] == "received");
    CHECK(newest["status"] == 200);
    CHECK(newest["verified"] == true);
    CHECK(newest["at"].get<std::string>().ends_with("Z"));
    CHECK(newest["id"].get<std::string>().starts_with("msg_"));
    for (std::size_t i = 1; i < all["deliveries"].size(); ++i) {
      CHECK(all["deliveries"][i - 1]["at"] >= all["deliveries"][i]["at"]);
    }

    const auto rejected = inspector.get("api/deliveries?verified=false").second["deliveries"];
    REQUIRE(rejected.size() == 2);
    CHECK(rejected[0]["event"] == "qr.scanned");
    CHECK(rejected[0]["status"] == 401);
    CHECK(rejected[0]["reason"] != "");
    CHECK(inspector.get("api/deliveries?status=401").second["deliveries"].size() == 2);
    CHECK(inspector.get("api/deliveries?event=link.%2A").second["deliveries"].size() == 5);
    CHECK(inspector.get("api/deliveries?kind=sent").second["deliveries"].empty());
    CHECK(inspector.get("api/deliveries?q=team.member_added").second["deliveries"].size() == 1);
    // A search pages as a listing does: 5 link.clicked in pages of 3, newest first.
    const auto searched = inspector.get("api/deliveries?q=link.clicked&limit=3").second;
    REQUIRE(searched["deliveries"].size() == 3);
    CHECK(searched["deliveries"][0]["record_id"] ==
          all["deliveries"][3]["record_id"]); // after team, qr, qr
    const auto rest = inspector
                          .get("api/deliveries?q=link.clicked&limit=3&before=" +
                               searched["next"].get<std::string>())
                          .second;
    CHECK(rest["deliveries"].size() == 2);
    CHECK(rest["next"].is_null());
    CHECK(
        inspector.get("api/deliveries?q=link.clicked&verified=false").second["deliveries"].empty());

    // Pages of 3 cover every record once, newest first, and end with "next": null.
    std::vector<std::string> paged;
    std::string cursor;
    for (int pages = 0; pages < 10; ++pages) {
      const auto page =
          inspector.get("api/deliveries?limit=3" + (cursor.empty() ? "" : "&before=" + cursor))
              .second;
      for (const auto& delivery : page["deliveries"]) {
        paged.push_back(delivery["record_id"].get<std::string>());
      }
      if (page["next"].is_null()) {
        break;
      }
      cursor = page["next"].get<std::string>();
    }
    std::vector<std::string> listed;
    for (const auto& delivery : all["deliveries"]) {
      listed.push_back(delivery["record_id"].get<std::string>());
    }
    CHECK(paged == listed);
  }

  TEST_CASE("api/deliveries/ID has the headers in order and the exact body, and 404 when unknown") {
    TempDir store;
    RunningListener listener({"--secret", k_test_secret, "--store", store.path().string()});
    const std::string body = R"({"event":"link.clicked","data":{"note":"<script>x</script>"}})";
    const auto headers = signed_headers(body, {"--id", "msg_detail"});
    REQUIRE(post(listener.url(), headers, body)->status == 200);
    RunningInspector inspector(store);
    const auto id =
        inspector.get("api/deliveries").second["deliveries"][0]["record_id"].get<std::string>();
    const auto [status, detail] = inspector.get("api/deliveries/" + id);
    REQUIRE(status == 200);
    CHECK(detail["id"] == "msg_detail");
    CHECK(detail["body"] == body);
    std::set<std::string> names;
    for (const auto& header : detail["headers"]) {
      REQUIRE(header.size() == 2);
      names.insert(header[0].get<std::string>());
    }
    CHECK(names.count("webhook-signature") == 1);
    CHECK(inspector.get("api/deliveries/99999999").first == 404);
    CHECK(inspector.get("api/deliveries/x").first == 400);
  }

  TEST_CASE("api/wait answers the first match stored since it began, or 408 at the timeout") {
    TempDir store;
    RunningListener listener({"--secret", k_test_secret, "--store", store.path().string()});
    send(listener, "link.clicked", 1); // before the inspector started: not waited for
    RunningInspector inspector(store);
    CHECK(inspector.get("api/wait?event=link.clicked&timeout=0.2").first == 408);

    // First a delivery of another country (and a bad signature), then the one waited for. The
    // country is set on both: a generated one may be NZ by chance.
    std::thread later([&] {
      run_linkhook({"send", "link.clicked", "--url", listener.url(), "--secret", k_other_secret,
                    "--no-store", "--quiet", "--set", "data.click.country=FR"});
      run_linkhook({"send", "link.clicked", "--url", listener.url(), "--secret", k_test_secret,
                    "--no-store", "--quiet", "--set", "data.click.country=NZ"});
    });
    const auto [status, found] =
        inspector.get("api/wait?event=link.*&filter=data.click.country%3DNZ&timeout=60");
    later.join();
    REQUIRE(status == 200);
    CHECK(found["verified"] == true);
    CHECK(Json::parse(found["body"].get<std::string>())["data"]["click"]["country"] == "NZ");
    CHECK(inspector.get("api/wait?timeout=x").first == 400);
  }

  TEST_CASE("a replay re-signs the record under its webhook-id and sends it once") {
    TempDir store;
    RunningListener listener({"--secret", k_test_secret, "--store", store.path().string()});
    send(listener, "domain.verified", 1);
    RunningListener target({"--secret", k_test_secret, "--no-store"});
    RunningInspector inspector(store, {"--secret", k_test_secret});
    const auto stored = inspector.get("api/deliveries").second["deliveries"][0];
    const auto path = "/api/deliveries/" + stored["record_id"].get<std::string>() + "/replay";
    httplib::Client client(inspector.origin);
    const auto replayed = client.Post(path, Json{{"url", target.url()}}.dump(), "application/json");
    REQUIRE(replayed);
    REQUIRE(replayed->status == 200);
    const auto attempt = Json::parse(replayed->body);
    CHECK(attempt["ok"] == true);
    CHECK(attempt["status"] == 200);
    CHECK(attempt["id"] == stored["id"]);
    const auto seen = Json::parse(target.next_line());
    CHECK(seen["id"] == stored["id"]);
    CHECK(seen["verified"] == true);

    // Not JSON, no URL, no such record: refused, and nothing sent.
    CHECK(client.Post(path, "url=x", "application/x-www-form-urlencoded")->status == 415);
    CHECK(client.Post(path, R"({"url":"ftp://x"})", "application/json")->status == 400);
    CHECK(client
              .Post("/api/deliveries/7/replay", Json{{"url", target.url()}}.dump(),
                    "application/json")
              ->status == 404);
    // Without a secret the inspector serves, and says what a replay needs.
    RunningInspector unsigned_inspector(store);
    httplib::Client other(unsigned_inspector.origin);
    const auto refused = other.Post(path, Json{{"url", target.url()}}.dump(), "application/json");
    REQUIRE(refused);
    CHECK(refused->status == 409);
    CHECK(refused->body.find("--secret") != std::string::npos);
  }

  TEST_CASE("a replay's attempts are listed as kind attempt, and kind=attempt selects them") {
    TempDir store;
    RunningListener listener({"--secret", k_test_secret, "--store", store.path().string()});
    send(listener, "link.clicked", 1);
    RunningInspector inspector(store);
    const auto id = inspector.get("api/deliveries").second["deliveries"][0]["id"];
    const auto replayed =
        run_linkhook({"replay", id.get<std::string>(), "--url", listener.url(), "--secret",
                      k_test_secret, "--store", store.path().string(), "--quiet"});
    REQUIRE_MESSAGE(replayed.exit_code == 0, replayed.err);
    const auto attempts = inspector.get("api/deliveries?kind=attempt").second["deliveries"];
    REQUIRE(attempts.size() == 1);
    CHECK(attempts[0]["kind"] == "attempt");
    CHECK(attempts[0]["event"] == "link.clicked");
  }

  TEST_CASE("api/stream sends each new record as a delivery event, as any process appends it") {
    TempDir store;
    RunningListener listener({"--secret", k_test_secret, "--store", store.path().string()});
    send(listener, "qr.scanned", 1); // before the stream opens: not sent on it
    RunningInspector inspector(store);
    std::binary_semaphore opened(0);
    std::string received;
    int events = 0;
    bool open = false;
    std::thread reading([&] {
      httplib::Client client(inspector.origin);
      client.set_read_timeout(20, 0);
      const auto result = client.Get("/api/stream", [&](const char* data, std::size_t size) {
        received.append(data, size);
        if (!open && received.find(": linkhook inspector\n") != std::string::npos) {
          open = true;
          opened.release();
        }
        events = 0;
        for (auto at = received.find("event: delivery\n"); at != std::string::npos;
             at = received.find("event: delivery\n", at + 1)) {
          ++events;
        }
        return events < 3;
      });
      CHECK(result.error() == httplib::Error::Canceled); // stopped here, not by the server
    });
    REQUIRE(opened.try_acquire_for(std::chrono::seconds(10)));
    send(listener, "link.clicked", 2);
    send(listener, "team.member_added", 1, k_other_secret); // rejected: streamed all the same
    reading.join();
    REQUIRE(events == 3);
    CHECK(received.find("HTTP") == std::string::npos); // the body only
    std::vector<Json> summaries;
    for (auto at = received.find("data: "); at != std::string::npos;
         at = received.find("data: ", at + 1)) {
      summaries.push_back(Json::parse(received.substr(at + 6, received.find('\n', at) - at - 6)));
    }
    REQUIRE(summaries.size() == 3);
    CHECK(summaries[0]["event"] == "link.clicked");
    CHECK(summaries[1]["event"] == "link.clicked");
    CHECK(summaries[2]["event"] == "team.member_added");
    CHECK(summaries[2]["verified"] == false);
    CHECK(received.find("id: " + summaries[0]["record_id"].get<std::string>() + "\n") !=
          std::string::npos);
    const auto listed = inspector.get("api/deliveries?limit=1").second["deliveries"][0];
    CHECK(listed == summaries[2]);
  }

  TEST_CASE("the page is served from the binary, under a policy that runs only its own scripts") {
    TempDir store;
    RunningInspector inspector(store);
    httplib::Client client(inspector.origin);
    const auto page = client.Get("/");
    REQUIRE(page);
    CHECK(page->status == 200);
    CHECK(page->get_header_value("Content-Type") == "text/html; charset=utf-8");
    CHECK(page->get_header_value("Content-Security-Policy").find("script-src 'self'") !=
          std::string::npos);
    CHECK(page->body.find("app.js") != std::string::npos);
    const auto script = client.Get("/app.js");
    REQUIRE(script);
    CHECK(script->status == 200);
    CHECK(script->get_header_value("Content-Type") == "text/javascript; charset=utf-8");
    CHECK(inspector.get("", {{"Host", "attacker.example"}}).first == 403);
  }

  TEST_CASE("another Host is refused (DNS rebinding), and so is a change from another Origin") {
    TempDir store;
    RunningInspector inspector(store);
    const auto [status, refused] = inspector.get("api/deliveries", {{"Host", "attacker.example"}});
    CHECK(status == 403);
    CHECK(refused["error"].get<std::string>().find("attacker.example") != std::string::npos);
    httplib::Client client(inspector.origin);
    const auto post = client.Post("/api/deliveries/1/replay", {{"Origin", "http://evil.example"}},
                                  "{}", "application/json");
    REQUIRE(post);
    CHECK(post->status == 403);
    CHECK(inspector.get("api/deliveries?limit=0").first == 400);
    CHECK(inspector.get("api/deliveries?kind=other").first == 400);
    CHECK(inspector.get("nothing/here").first == 404);
  }

  TEST_CASE("listen --inspect serves the inspector beside the listener, over its store") {
    TempDir store;
    Process listen({linkhook_binary(), "listen", "--port", "0", "--json", "--secret", k_test_secret,
                    "--store", store.path().string(), "--inspect", "--inspect-addr", "127.0.0.1:0",
                    "--max-events", "2", "--timeout", "60"});
    const auto line = listen.read_line(std::chrono::seconds(10));
    REQUIRE(line);
    const auto first = Json::parse(*line);
    const auto url = first["listening"].get<std::string>();
    const auto inspector = first["inspector"].get<std::string>();
    REQUIRE(inspector.starts_with("http://127.0.0.1:"));
    httplib::Client client(inspector.substr(0, inspector.size() - 1));
    client.set_read_timeout(60, 0);
    std::thread sender([&] {
      run_linkhook({"send", "link.clicked", "--count", "2", "--url", url, "--secret", k_test_secret,
                    "--no-store", "--quiet"});
    });
    const auto waited = client.Get("/api/wait?event=link.clicked&timeout=30");
    sender.join();
    REQUIRE(waited);
    CHECK(waited->status == 200);
    CHECK(Json::parse(waited->body)["verified"] == true);
    CHECK(listen.wait(std::chrono::seconds(30)) == 0); // --max-events 2
  }

  TEST_CASE("listen --inspect needs the store") {
    check_usage_error(run_linkhook({"listen", "--port", "0", "--secret", k_test_secret,
                                    "--no-store", "--inspect"}),
                      "--inspect shows the event store");
  }

  TEST_CASE("it stops at --timeout with exit 0, and a bad --addr is a usage error") {
    TempDir store;
    const auto r = run_linkhook(
        {"inspect", "--addr", "127.0.0.1:0", "--timeout", "0.2", "--store", store.path().string()});
    CHECK(r.exit_code == 0);
    CHECK(r.out.starts_with("http://127.0.0.1:"));
    check_usage_error(run_linkhook({"inspect", "--addr", "4040", "--store", store.path().string()}),
                      "--addr: '4040' is not HOST:PORT");
    const auto open = run_linkhook(
        {"inspect", "--addr", "0.0.0.0:0", "--timeout", "0.1", "--store", store.path().string()});
    CHECK(open.exit_code == 0);
    CHECK(open.err.find("warning: the inspector listens on 0.0.0.0") != std::string::npos);
  }
}
