// libFuzzer target: every byte of a request to `listen` comes from whoever reaches the port. The
// parser of a request's head (parse_request_head) and the listener's per-request logic
// (Listener::answer: signature verification, the payload scan, the --events/--filter filters,
// the failure plan, the record it stores, the delivery line it prints) must answer any request
// without throwing, which in a server thread would end the process. The input is
//   flags byte: bits 0-1 the scheme, bit 2 sign the body, bit 3 use the filtered listener,
//               bit 4 the store fails
//   a request as sent: request line and header lines ending in CRLF, an empty line, the body.
#include "fuzz_check.hpp"
#include "listen/listen_report.hpp"
#include "listen/listener.hpp"
#include "signing/secret.hpp"
#include "signing/signature.hpp"
#include "signing/signature_headers.hpp"
#include "store/record.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace {

using namespace linkhook;
using Outcome = ReceivedDelivery::Outcome;

constexpr std::string_view k_path = "/webhooks";

struct Round {
  Scheme scheme = Scheme::standard;
  bool store_fails = false;
  std::uint64_t number = 0; // of the delivery, for a fresh webhook-id in each signed one
  int reports = 0;
  ReceivedDelivery last;
};
Round g_round;

const Secret& secret_of(Scheme scheme) {
  static const auto whsec =
      Secret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", Scheme::standard);
  static const auto github = Secret::parse("It's a Secret to Everybody", Scheme::github);
  return scheme == Scheme::github ? github : whsec;
}

// What `listen` stores for a delivery, which must read back unchanged.
void persist(const Headers& headers, std::string_view body, const ReceivedDelivery& delivery,
             const ListenerHooks::Persisted& done) {
  if (g_round.store_fails) {
    const Error full("No space left on device");
    done(&full);
    return;
  }
  const auto record = received_record(headers, body, delivery);
  FUZZ_CHECK(!record.id.empty());
  const auto decoded = decode_record(encode_record(record));
  FUZZ_CHECK(decoded && *decoded == record);
  done(nullptr);
}

void report(const ReceivedDelivery& delivery) {
  ++g_round.reports;
  g_round.last = delivery;
  for (const auto& line : {listen_json_line(delivery), listen_human_line(delivery, true)}) {
    FUZZ_CHECK(line.find('\n') == line.size() - 1); // one line per delivery, whatever it holds
  }
}

std::unique_ptr<Listener> make_listener(PayloadFilter filter) {
  ListenerConfig config;
  config.port = 0; // bound but never served: requests come through answer()
  config.path = std::string(k_path);
  config.threads = 1;
  FailureOptions failures;
  failures.fail_rate = 0.25;
  failures.status = 503;
  failures.retry_after = 5;
  failures.seed = 1;
  ListenerHooks hooks;
  hooks.verify = [](const Headers& headers, std::string_view body) {
    const auto& secret = secret_of(g_round.scheme);
    const auto result = verify(g_round.scheme, secret, headers, body, unix_now());
    return SignatureCheck{result.valid, result.reason, secret.without_fingerprint(result.reason)};
  };
  hooks.persist = persist;
  hooks.report = report;
  return std::make_unique<Listener>(std::move(config), std::move(filter), failures,
                                    std::move(hooks));
}

Listener& listener(bool filtered) {
  static const std::array<std::unique_ptr<Listener>, 2> listeners = {
      make_listener(PayloadFilter({}, {})),
      make_listener(PayloadFilter({"link.*", "account.*"}, {"data.account.id=acct_*"}))};
  return *listeners[filtered ? 1 : 0];
}

// The request in `input` as the listener's server parses it: none when it refuses the head
// (then with a status the server answers such heads with).
std::optional<HttpRequest> make_request(std::string_view input, bool sign_body) {
  const auto blank = input.find("\r\n\r\n");
  const auto head = input.substr(0, blank == std::string_view::npos ? input.size() : blank + 2);
  HttpRequest parsed;
  RequestFraming framing;
  const auto refusal = parse_request_head(head, parsed, framing);
  if (refusal != 0) {
    FUZZ_CHECK(refusal == 400 || refusal == 417 || refusal == 501 || refusal == 505);
    return std::nullopt;
  }
  FUZZ_CHECK(!parsed.method.empty() && parsed.path.starts_with('/'));
  HttpRequest request{.method = parsed.method, .path = parsed.path, .headers = {}, .body = {}};
  if (blank != std::string_view::npos) {
    request.body = std::string(input.substr(blank + 4));
  }
  // Signed headers go in first: of two headers with one name, the first is the one read.
  if (sign_body) {
    const auto id = "msg_fuzz" + std::to_string(g_round.number);
    const Message message{id, unix_now(), request.body};
    for (const auto& header : sign(g_round.scheme, secret_of(g_round.scheme), message)) {
      request.headers.add(header.name, header.value);
    }
  }
  for (const auto& header : parsed.headers) {
    request.headers.add(header.name, header.value);
  }
  return request;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  const auto flags = data[0];
  g_round = Round{.number = g_round.number + 1};
  g_round.scheme = all_schemes()[static_cast<std::size_t>(flags & 3U) % all_schemes().size()];
  const bool sign_body = (flags & 4U) != 0;
  g_round.store_fails = (flags & 16U) != 0;
  const auto parsed = make_request({reinterpret_cast<const char*>(data) + 1, size - 1}, sign_body);
  if (!parsed) {
    return 0;
  }
  const auto& request = *parsed;
  HttpAnswer response;
  listener((flags & 8U) != 0).answer(request, response);

  FUZZ_CHECK(response.status >= 200 && response.status <= 599);
  FUZZ_CHECK(!response.body.empty() && response.body.back() == '\n');
  const bool delivery = request.path == k_path && request.method == "POST";
  FUZZ_CHECK(g_round.reports == (delivery ? 1 : 0));
  if (!delivery) {
    FUZZ_CHECK(response.status == 404 || response.status == 405);
    return 0;
  }
  const auto& answered = g_round.last;
  FUZZ_CHECK(answered.status == response.status);
  // A body signed with the listener's own secret is never refused for its signature, unless the
  // input repeats a signature header (which the listener refuses, naming it).
  if (sign_body && !repeated_signature_header(request.headers)) {
    FUZZ_CHECK(response.status != 401);
  }
  if (answered.outcome == Outcome::accepted) {
    FUZZ_CHECK(!g_round.store_fails && response.status == 200);
  }
  if (answered.outcome == Outcome::store_failed) {
    FUZZ_CHECK(g_round.store_fails && response.status == 503);
  }
  return 0;
}
