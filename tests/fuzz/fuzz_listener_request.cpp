// libFuzzer target: every byte of a request to `listen` comes from whoever reaches the port. The
// listener's per-request logic (Listener::answer: signature verification, the payload scan, the
// --events/--filter filters, the failure plan, the record it stores, the delivery line it prints)
// must answer any request without throwing, which in a server thread would end the process.
// cpp-httplib's own parsing of the bytes on the wire is not covered: the input is
//   flags byte: bits 0-1 the scheme, bit 2 sign the body, bit 3 use the filtered listener,
//               bit 4 the store fails
//   "METHOD PATH\n", then "Name: value\n" header lines, an empty line, and the body.
#include "delivery_log.hpp"
#include "fuzz_check.hpp"
#include "listener.hpp"
#include "secret.hpp"
#include "signature.hpp"
#include "store_record.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <httplib.h>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

using namespace linkhook;
using Outcome = DeliveryReport::Outcome;

constexpr std::string_view k_path = "/webhooks";

struct Round {
  Scheme scheme = Scheme::standard;
  bool store_fails = false;
  std::uint64_t number = 0; // of the delivery, for a fresh webhook-id in each signed one
  int reports = 0;
  DeliveryReport last;
};
Round g_round;

const Secret& secret_of(Scheme scheme) {
  static const auto whsec = Secret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  static const auto github = Secret::parse("It's a Secret to Everybody");
  return scheme == Scheme::github ? github : whsec;
}

// What `listen` stores for a delivery (commands/listen.cpp), which must read back unchanged.
void persist(const Headers& headers, std::string_view body, const DeliveryReport& report) {
  if (g_round.store_fails) {
    throw std::runtime_error("No space left on device");
  }
  StoreRecord record;
  record.headers.assign(headers.begin(), headers.end());
  record.id = received_record_id(record.headers);
  record.event = report.event;
  record.time_ms = report.received_at_ms;
  record.body = std::string(body);
  record.verdict = {report.verified(), false, report.status, report.reason};
  FUZZ_CHECK(!record.id.empty());
  const auto decoded = decode_record(encode_record(record));
  FUZZ_CHECK(decoded && *decoded == record);
}

void report(const DeliveryReport& delivery) {
  ++g_round.reports;
  g_round.last = delivery;
  for (const bool json : {false, true}) {
    const auto line = delivery_line(delivery, json, !json);
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
    const auto result =
        verify(g_round.scheme, secret_of(g_round.scheme), headers, body, unix_now());
    return SignatureCheck{result.valid, result.reason};
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

// Takes the text up to the next '\n' off `input`.
std::string_view take_line(std::string_view& input) {
  const auto line = input.substr(0, input.find('\n'));
  input.remove_prefix(std::min(line.size() + 1, input.size()));
  return line;
}

httplib::Request make_request(std::string_view input, bool sign_body) {
  httplib::Request request;
  const auto request_line = take_line(input);
  const auto space = std::min(request_line.find(' '), request_line.size());
  request.method = std::string(request_line.substr(0, space));
  request.path = std::string(request_line.substr(std::min(space + 1, request_line.size())));
  std::vector<std::pair<std::string, std::string>> received;
  while (!input.empty()) {
    const auto line = take_line(input);
    if (line.empty()) {
      break;
    }
    const auto colon = std::min(line.find(':'), line.size());
    const auto value = line.substr(std::min(colon + 1, line.size()));
    received.emplace_back(line.substr(0, colon),
                          value.substr(std::min(value.find_first_not_of(' '), value.size())));
  }
  request.body = std::string(input);
  // Signed headers go in first: of two headers with one name, the first is the one read.
  if (sign_body) {
    const auto id = "msg_fuzz" + std::to_string(g_round.number);
    const Message message{id, unix_now(), request.body};
    for (const auto& header : sign(g_round.scheme, secret_of(g_round.scheme), message)) {
      request.headers.emplace(header.name, header.value);
    }
  }
  for (auto& [name, value] : received) {
    request.headers.emplace(std::move(name), std::move(value));
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
  const auto request = make_request({reinterpret_cast<const char*>(data) + 1, size - 1}, sign_body);
  httplib::Response response;
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
  // A body signed with the listener's own secret is never refused for its signature.
  if (sign_body) {
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
