#include "cli_helpers.hpp"
#include "listener_fixture.hpp"
#include "temp_dir.hpp"
#include "tls_helpers.hpp"

using namespace linkhook::test;

TEST_SUITE("cli.listen.tls") {
  TEST_CASE("--tls-cert and --tls-key serve HTTPS that a verifying client accepts") {
    TempDir dir;
    const auto [cert, key] = make_self_signed_certificate(dir);
    RunningListener listener({"--secret", k_test_secret, "--no-store", "--tls-cert", cert,
                              "--tls-key", key, "--max-events", "1", "--timeout", "20"});
    REQUIRE(listener.url().starts_with("https://127.0.0.1:"));

    const std::string body = R"({"event":"domain.verified","data":{}})";
    httplib::Client untrusting(listener.origin());
    untrusting.set_connection_timeout(5, 0);
    CHECK(!untrusting.Post("/", signed_headers(body), body, "application/json")); // unknown CA

    httplib::Client client(listener.origin());
    client.set_ca_cert_path(cert.c_str());
    client.enable_server_certificate_verification(true);
    const auto response = client.Post("/", signed_headers(body), body, "application/json");
    REQUIRE(response);
    CHECK(response->status == 200);
    CHECK(listener.process().wait() == 0);
  }

  TEST_CASE("a certificate that cannot be loaded is a usage error") {
    TempDir dir;
    const auto missing = (dir / "missing.pem").string();
    check_usage_error(run_linkhook({"listen", "--secret", k_test_secret, "--port", "0",
                                    "--no-store", "--tls-cert", missing, "--tls-key", missing}),
                      "cannot load the TLS certificate");
    check_usage_error(run_linkhook({"listen", "--secret", k_test_secret, "--port", "0",
                                    "--no-store", "--tls-cert", missing}),
                      "--tls-cert and --tls-key go together");
  }
}
