#include "cli_helpers.hpp"

#include <cstdio>
#include <fstream>

using namespace linkhook::test;
using Json = nlohmann::json;

namespace {

const std::string k_secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const std::string k_body = "{\"event\":\"link.clicked\",\"data\":{\"n\":1}}\n";
const std::string k_now = "1760869800";

// `linkhook sign` lines turned into verify's -H flags.
std::vector<std::string> as_header_flags(const std::string& sign_output) {
  std::vector<std::string> flags;
  for (const auto& line : lines_of(sign_output)) {
    flags.push_back("-H");
    flags.push_back(line);
  }
  return flags;
}

Result verify_with(std::vector<std::string> headers, std::vector<std::string> extra = {},
                   const std::string& body = k_body) {
  std::vector<std::string> args = {"verify", "--secret", k_secret, "--now", k_now};
  args.insert(args.end(), headers.begin(), headers.end());
  args.insert(args.end(), extra.begin(), extra.end());
  return run_linkhook(args, body);
}

std::string signed_headers(const std::string& at = k_now) {
  return run_linkhook({"sign", "--secret", k_secret, "--id", "msg_1", "--timestamp", at}, k_body)
      .out;
}

} // namespace

TEST_SUITE("cli.signature") {
  TEST_CASE("secret prints a fresh whsec_ secret, or an Ed25519 pair") {
    const auto a = run_linkhook({"secret"});
    CHECK(a.exit_code == 0);
    CHECK(a.out.starts_with("whsec_"));
    CHECK(a.out.size() == 51); // whsec_ + base64 of 32 bytes + newline
    CHECK(a.out != run_linkhook({"secret"}).out);
    const auto pair = lines_of(run_linkhook({"secret", "--ed25519"}).out);
    REQUIRE(pair.size() == 2);
    CHECK(pair[0].starts_with("whsk_"));
    CHECK(pair[1].starts_with("whpk_"));
    CHECK(Json::parse(run_linkhook({"secret", "--json"}).out)["secret"]
              .get<std::string>()
              .starts_with("whsec_"));
    check_usage_error(run_linkhook({"secret", "--scheme", "github", "--ed25519"}), "--ed25519");
  }

  TEST_CASE("sign prints the headers in their fixed order, --json holds the same") {
    const auto r = run_linkhook(
        {"sign", "--secret", k_secret, "--id", "msg_1", "--timestamp", k_now, "-"}, k_body);
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    const auto lines = lines_of(r.out);
    REQUIRE(lines.size() == 3);
    CHECK(lines[0] == "webhook-id: msg_1");
    CHECK(lines[1] == "webhook-timestamp: 1760869800");
    CHECK(lines[2].starts_with("webhook-signature: v1,"));
    const auto json = Json::parse(
        run_linkhook(
            {"sign", "--secret", k_secret, "--id", "msg_1", "--timestamp", k_now, "--json"}, k_body)
            .out);
    CHECK(json["headers"]["webhook-signature"] == lines[2].substr(19));
    const auto fresh = lines_of(run_linkhook({"sign", "--secret", k_secret}, k_body).out);
    CHECK(fresh[0].starts_with("webhook-id: msg_"));
  }

  TEST_CASE("sign then verify, with header names in any case, every scheme") {
    CHECK(verify_with(as_header_flags(signed_headers())).out == "valid\n");
    const auto upper =
        verify_with({"-H", "WEBHOOK-ID: msg_1", "-H", "Webhook-Timestamp: " + k_now, "-H",
                     "webhook-SIGNATURE:" + lines_of(signed_headers())[2].substr(18)});
    CHECK(upper.exit_code == 0);
    for (const auto* scheme : {"stripe", "github"}) {
      const auto sig = run_linkhook(
          {"sign", "--scheme", scheme, "--secret", "sk", "--timestamp", k_now}, k_body);
      const std::vector<std::string> flags = {"--scheme", scheme, "--secret", "sk"};
      std::vector<std::string> args = {"verify", "--now", k_now};
      args.insert(args.end(), flags.begin(), flags.end());
      for (const auto& flag : as_header_flags(sig.out)) {
        args.push_back(flag);
      }
      CHECK_MESSAGE(run_linkhook(args, k_body).exit_code == 0, scheme);
    }
  }

  TEST_CASE("a failure exits 1 with one line naming the reason, --json holds only JSON") {
    const auto headers = as_header_flags(signed_headers());
    const auto tampered = verify_with(headers, {}, "{\"event\":\"link.clicked\"}\n");
    CHECK(tampered.exit_code == 1);
    CHECK(lines_of(tampered.out).size() == 1);
    CHECK(tampered.out.starts_with("invalid: no signature matches"));
    const auto old = verify_with(headers, {"--now", "1760870200", "--json"});
    CHECK(old.exit_code == 1);
    const auto json = Json::parse(old.out);
    CHECK(json["valid"] == false);
    CHECK(json["reason"].get<std::string>().starts_with("timestamp too old: 400 seconds"));
    CHECK(old.err.empty());
    CHECK(verify_with(headers, {"--tolerance", "500", "--now", "1760870200"}).exit_code == 0);
    const auto valid = verify_with(headers, {"--json"});
    CHECK(Json::parse(valid.out) == Json{{"valid", true}, {"reason", "valid"}});
  }

  TEST_CASE("each failure kind has its own line") {
    const auto headers = as_header_flags(signed_headers());
    CHECK(verify_with({}).out == "invalid: missing header webhook-signature\n");
    CHECK(verify_with({headers[0], headers[1], headers[4], headers[5]}).out ==
          "invalid: missing header webhook-timestamp\n");
    CHECK(
        verify_with(
            {"-H", "webhook-id: m", "-H", "webhook-timestamp: 1", "-H", "webhook-signature: v1"})
            .out.starts_with("invalid: malformed webhook-signature header: entry 'v1' has no ','; "
                             "expected"));
    CHECK(verify_with(headers, {"--now", "1760869000"})
              .out.starts_with("invalid: timestamp too new: 800 seconds in the future"));
    const auto stripe = verify_with({"-H", "Stripe-Signature: t=1,v1=00"});
    CHECK(stripe.out.find("Stripe-Signature is present") != std::string::npos);
    const auto raw =
        run_linkhook({"verify", "--secret", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "--now", k_now,
                      headers[0], headers[1], headers[2], headers[3], headers[4], headers[5]},
                     k_body);
    CHECK(raw.exit_code == 1);
    CHECK(raw.out.find("is a raw string, but the standard scheme expects whsec_") !=
          std::string::npos);
    CHECK(raw.out.find("MfKQ9r8") == std::string::npos);
    const auto pretty = verify_with(
        headers, {}, "{\n  \"event\": \"link.clicked\",\n  \"data\": {\n    \"n\": 1\n  }\n}");
    CHECK(
        pretty.out.starts_with("invalid: body was altered after signing: the signature matches it "
                               "re-serialised as compact JSON, with a final newline"));
  }

  TEST_CASE("a signature header given twice is invalid, named, even when both lines are good") {
    auto headers = as_header_flags(signed_headers());
    headers.insert(headers.end(), {"-H", headers[3]}); // webhook-timestamp, again
    const auto twice = verify_with(headers);
    CHECK(twice.exit_code == 1);
    CHECK(twice.out.starts_with("invalid: repeated header webhook-timestamp"));
  }

  TEST_CASE("the secret comes from --secret, else --secret-file, else LINKHOOK_SECRET") {
    const auto headers = as_header_flags(signed_headers());
    std::vector<std::string> args = {"verify", "--now", k_now};
    args.insert(args.end(), headers.begin(), headers.end());
    CHECK(run_linkhook(args, k_body, {{"LINKHOOK_SECRET", k_secret}}).exit_code == 0);
    const std::string path = "linkhook_cli_secret.txt";
    std::ofstream(path) << k_secret << "\n";
    auto from_file = args;
    from_file.insert(from_file.end(), {"--secret-file", path});
    CHECK(run_linkhook(from_file, k_body, {{"LINKHOOK_SECRET", "whsec_AAAA"}}).exit_code == 0);
    std::remove(path.c_str());
    check_usage_error(run_linkhook(args, k_body, {{"LINKHOOK_SECRET", ""}}),
                      "no secret: give --secret");
    check_usage_error(run_linkhook(from_file, k_body), "cannot read 'linkhook_cli_secret.txt'");
  }

  TEST_CASE("unusable input is a usage error that never shows the secret") {
    check_usage_error(
        run_linkhook({"verify", "--secret", k_secret, "-H", "webhook-id msg_1"}, k_body),
        "header 'webhook-id msg_1' has no colon");
    check_usage_error(run_linkhook({"sign", "--scheme", "strip", "--secret", k_secret}, k_body),
                      "unknown scheme 'strip' (did you mean 'stripe'?)");
    check_usage_error(run_linkhook({"sign", "--secret", k_secret, "no/such/body.json"}),
                      "cannot read 'no/such/body.json'");
    const auto bad = run_linkhook({"sign", "--secret", "whsec_SECRET*PART"}, k_body);
    check_usage_error(bad, "is not base64 after 'whsec_'");
    CHECK(bad.err.find("SECRET*PART") == std::string::npos);
    check_usage_error(run_linkhook({"sign", "--secret", "rawsecret"}, k_body),
                      "is a raw string, but the standard scheme expects whsec_");
    check_usage_error(run_linkhook({"sign", "--secret", k_secret, "--timestamp", "noon"}, k_body),
                      "--timestamp 'noon'");
    check_usage_error(run_linkhook({"verify", "--secret", k_secret, "--tolerance", "-1"}, k_body),
                      "--tolerance");
  }
}
