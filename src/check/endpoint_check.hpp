#pragma once

#include "delivery/delivery_config.hpp"
#include "http/headers.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

// `linkhook check`: an endpoint tried the way an attacker and a provider would (SPEC's "Endpoint
// check"). Genuine deliveries it must accept, forged ones it must refuse; each check is graded,
// and says in one line what it sent, what came back and what to change.
namespace linkhook {

enum class CheckVerdict { pass, fail, warn, skip };

std::string_view check_verdict_name(CheckVerdict verdict); // "pass", "fail", "warn", "skip"

struct CheckResult {
  std::string name;
  CheckVerdict verdict = CheckVerdict::pass;
  std::string detail;
};

struct EndpointCheckConfig {
  DeliveryConfig delivery; // where, how long (--timeout), TLS, the scheme, the secret, the stop
  Headers headers;         // the endpoint's own (--header), sent with every delivery
  std::int64_t tolerance_s = 300; // how far from now a timestamp may be
  std::size_t burst = 16;         // the parallel deliveries of handles_concurrency
  std::uint64_t seed = 0;         // of the generated payloads
};

// The checks, in the order they run.
std::span<const std::string_view> check_names();

// Runs the checks named (a subset of check_names(), run in its order) against the endpoint and
// hands each result to `done` as it is graded. answers_in_time grades the genuine deliveries the
// others sent, or sends three of its own when it runs alone.
std::vector<CheckResult> run_endpoint_checks(const EndpointCheckConfig& config,
                                             std::span<const std::string> names,
                                             const std::function<void(const CheckResult&)>& done);

} // namespace linkhook
