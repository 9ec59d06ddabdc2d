#pragma once

#include "base/error.hpp"
#include "http/headers.hpp"
#include "http/request.hpp"
#include "listen/failure_plan.hpp"
#include "listen/recent_ids.hpp"
#include "net/server.hpp"
#include "payload/filter.hpp"

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

// How `listen` answers one request at its webhook path, whatever server read it: verification,
// the payload filters, failures on purpose, duplicates, forwarding and the store, in that order.
namespace linkhook {

struct ListenerConfig;

// What verifying one delivery's signature said.
struct SignatureCheck {
  bool valid = false;
  std::string reason; // why not, in one line: for the terminal, --json lines and the store
  // The same for the 401 answer: an unauthenticated caller must not learn the secret's
  // fingerprint, with which a guessed secret could be confirmed offline.
  std::string answer;
};

// One request at the webhook path, as the listener answered it.
struct ReceivedDelivery {
  enum class Outcome {
    accepted,          // verified and acknowledged (stored, forwarded)
    duplicate,         // verified, acknowledged, its id was acknowledged before
    filtered,          // verified, acknowledged, but not what --events/--filter ask for
    failed_on_purpose, // verified, answered with the failure the user asked for
    invalid,           // verified, but not its event's schema (--validate): 422
    forward_failed,    // verified, the application behind --forward-to failed or is down
    store_failed,      // verified, but could not be made durable: 503
    rejected,          // not verified: bad signature, not JSON, too large
  };
  std::int64_t received_at_ms = 0;
  std::string id;
  std::string event;
  Outcome outcome = Outcome::rejected;
  int status = 0;
  std::string reason;
  // What the request was made to: the scheme, its Host header (else the listener's host), the
  // path and the query, "http://127.0.0.1:4000/webhooks?source=ci". Set only when the listener
  // stores (its records keep it).
  std::string url;
  bool verified() const { return outcome != Outcome::rejected; }
};

struct ListenerHooks {
  std::function<SignatureCheck(const Headers&, std::string_view body)> verify;
  // Makes a delivery durable before it is acknowledged, then calls `done` once, from any
  // thread: with the error when it could not. Empty: no store.
  using Persisted = std::function<void(const Error* error)>;
  std::function<void(const Headers&, std::string_view body, const ReceivedDelivery&,
                     Persisted done)>
      persist;
  // --validate: why a verified JSON payload does not match its event's schema; none when it
  // does. Empty: no validation.
  std::function<std::optional<std::string>(std::string_view body)> validate;
  // Called once per delivery, in a lock: reports never interleave.
  std::function<void(const ReceivedDelivery&)> report;
};

struct ListenerStats {
  std::uint64_t deliveries = 0;
  std::uint64_t verified = 0;
  std::uint64_t rejected = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t filtered = 0;
  std::uint64_t failed_on_purpose = 0;
  std::uint64_t invalid = 0;
  std::uint64_t forward_failed = 0;
  std::uint64_t store_failed = 0;
  std::uint64_t stored = 0;
};

// Answers requests for a Listener, from any number of its server's threads at once.
class DeliveryHandler {
public:
  // `config` (its path, --max-body, --delay and forward target) must outlive the handler.
  // `limit_reached` is called once the deliveries the filters let through reach the limit that
  // limit_deliveries set.
  DeliveryHandler(const ListenerConfig& config, PayloadFilter filter,
                  const FailureOptions& failures, ListenerHooks hooks,
                  std::function<void()> limit_reached);

  // Called once by a handler that answers after it returns, as HttpServer::Later is: the answer
  // goes out when the function it returns is called.
  using Defer = std::function<std::function<void()>()>;

  // --delay is not waited here: the answer says it (answer.delay_ms) for the server to hold it.
  // A delivery to store is answered once the store made it durable: handle() calls `later`
  // and returns at once, and the answer is filled in from the store's thread.
  void handle(const HttpRequest& request, HttpAnswer& answer, const Defer& later);
  // The same, returning once the answer is there (for tests and fuzzing, without a server).
  void handle(const HttpRequest& request, HttpAnswer& answer);

  // Whether handle() may block: forwarding does.
  bool may_block() const;

  // 0: no limit.
  void limit_deliveries(std::uint64_t max) { m_max_deliveries = max; }

  ListenerStats stats() const;

private:
  void handle_verified(const HttpRequest& request, ReceivedDelivery& delivery, HttpAnswer& answer);
  // Answers with `delivery`'s status and reason (or `rejection`, what a caller that failed
  // verification is told), and counts and reports it.
  void conclude(const ReceivedDelivery& delivery, const std::string* rejection, HttpAnswer& answer);
  void finish(const ReceivedDelivery& delivery);
  bool reserve_id(const std::string& id);
  void release_id(const std::string& id);

  // Ids answered 2xx (or being answered). A sender's retries come within hours; 100,000 ids
  // (about 10 MB) cover that at any realistic rate while memory stays flat. In shards with a lock
  // each, so that the event loops answering at once rarely wait for each other.
  static constexpr std::size_t k_id_shards = 16;
  struct IdShard {
    std::mutex mutex;
    RecentIds ids{100000 / k_id_shards};
  };
  IdShard& shard_of(const std::string& id);

  const ListenerConfig& m_config;
  PayloadFilter m_filter;
  FailurePlan m_failures;
  ListenerHooks m_hooks;
  std::function<void()> m_limit_reached;
  std::atomic<std::uint64_t> m_max_deliveries{0};

  std::array<IdShard, k_id_shards> m_acknowledged;
  std::mutex m_report_mutex; // reports never interleave
  // ListenerStats' counts, in its order; counted, not locked.
  std::array<std::atomic<std::uint64_t>, 10> m_counts{};
  std::atomic<std::uint64_t> m_limited{0}; // deliveries that count toward the limit
};

} // namespace linkhook
