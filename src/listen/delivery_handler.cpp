#include "listen/delivery_handler.hpp"

#include "listen/listener.hpp"
#include "net/forwarder.hpp"

#include <chrono>
#include <fmt/format.h>
#include <optional>
#include <semaphore>

namespace linkhook {

namespace {

using Outcome = ReceivedDelivery::Outcome;

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

bool is_2xx(int status) {
  return status >= 200 && status < 300;
}

// The sender's id for a delivery, the key of duplicate detection.
std::string delivery_id(const Headers& headers) {
  for (const char* name : {"webhook-id", "svix-id", "x-github-delivery"}) {
    if (const auto* value = headers.find(name)) {
      return *value;
    }
  }
  return {};
}

std::string too_large(std::size_t max_body) {
  return fmt::format("body larger than --max-body ({} bytes)", max_body);
}

} // namespace

DeliveryHandler::DeliveryHandler(const ListenerConfig& config, PayloadFilter filter,
                                 const FailureOptions& failures, ListenerHooks hooks,
                                 std::function<void()> limit_reached)
    : m_config(config), m_filter(std::move(filter)), m_failures(failures),
      m_hooks(std::move(hooks)), m_limit_reached(std::move(limit_reached)) {}

void DeliveryHandler::handle(const HttpRequest& request, HttpAnswer& answer, const Defer& later) {
  if (request.path != m_config.path) {
    answer.status = 404;
    answer.body = fmt::format("no webhook endpoint at {}; deliveries go to {}\n", request.path,
                              m_config.path);
    return;
  }
  if (request.method != "POST") {
    answer.status = 405;
    answer.headers.add("Allow", "POST");
    answer.body = "webhook deliveries are POST requests\n";
    return;
  }
  ReceivedDelivery delivery;
  delivery.received_at_ms = now_ms();
  delivery.id = delivery_id(request.headers);
  if (m_hooks.persist) { // only a record keeps it
    const auto* host = request.headers.find("host");
    delivery.url = fmt::format("{}://{}{}{}{}", m_config.tls_cert ? "https" : "http",
                               host != nullptr ? *host : m_config.host, request.path,
                               request.query.empty() ? "" : "?", request.query);
  }
  if (request.body_too_large || request.body.size() > m_config.max_body) {
    delivery.status = 413;
    delivery.reason = too_large(m_config.max_body);
    answer.status = delivery.status;
    answer.body = delivery.reason + "\n";
    finish(delivery);
    return;
  }
  answer.delay_ms = m_config.delay_ms;
  const auto check = m_hooks.verify(request.headers, request.body);
  const auto scan = scan_payload(request.body);
  delivery.event = scan.event;
  if (!check.valid) {
    delivery.status = 401;
    delivery.reason = check.reason;
  } else if (!scan.json) {
    delivery.status = 400;
    delivery.reason = "body is not JSON: " + scan.error;
  } else {
    handle_verified(request, delivery, answer);
  }
  const auto* rejection = check.valid ? nullptr : &check.answer;
  // Accepted deliveries are stored before they are acknowledged; rejected and invalid ones are
  // kept for `store show`, best effort.
  const bool to_store = delivery.outcome == Outcome::accepted ||
                        delivery.outcome == Outcome::invalid || !delivery.verified();
  if (!m_hooks.persist || !to_store) {
    conclude(delivery, rejection, answer);
    return;
  }
  m_hooks.persist(request.headers, request.body, delivery,
                  [this, delivery, rejected = rejection ? std::optional(*rejection) : std::nullopt,
                   &answer, answered = later()](const Error* error) mutable {
                    if (error != nullptr && delivery.outcome == Outcome::accepted) {
                      delivery.outcome = Outcome::store_failed;
                      delivery.status = 503;
                      delivery.reason =
                          fmt::format("could not store the delivery: {}", error->what());
                      release_id(delivery.id);
                    }
                    conclude(delivery, rejected ? &*rejected : nullptr, answer);
                    answered();
                  });
}

void DeliveryHandler::handle(const HttpRequest& request, HttpAnswer& answer) {
  std::binary_semaphore answered(0);
  bool deferred = false;
  handle(request, answer, [&] {
    deferred = true;
    return [&answered] { answered.release(); };
  });
  if (deferred) {
    answered.acquire();
  }
}

void DeliveryHandler::conclude(const ReceivedDelivery& delivery, const std::string* rejection,
                               HttpAnswer& answer) {
  answer.status = delivery.status;
  answer.body = (rejection != nullptr ? *rejection : delivery.reason) + "\n";
  finish(delivery);
}

void DeliveryHandler::handle_verified(const HttpRequest& request, ReceivedDelivery& delivery,
                                      HttpAnswer& answer) {
  if (m_hooks.validate) {
    if (const auto violation = m_hooks.validate(request.body)) {
      delivery.outcome = Outcome::invalid;
      delivery.status = 422;
      delivery.reason = fmt::format("payload does not match its event's schema: {}", *violation);
      return;
    }
  }
  nlohmann::json document;
  if (m_filter.needs_document()) {
    document = nlohmann::json::parse(request.body);
  }
  if (const auto why = m_filter.rejects(delivery.event, &document)) {
    delivery.outcome = Outcome::filtered;
    delivery.status = 200;
    delivery.reason = "filtered out: " + *why;
    return;
  }
  const auto failure = m_failures.next(delivery.id);
  if (failure.on_purpose && !is_2xx(failure.status)) {
    delivery.outcome = Outcome::failed_on_purpose;
    delivery.status = failure.status;
    delivery.reason = "failing on purpose (" + failure.reason + ")";
    if (failure.retry_after) {
      answer.headers.add("Retry-After", std::to_string(*failure.retry_after));
    }
    return;
  }
  if (!delivery.id.empty() && !reserve_id(delivery.id)) {
    delivery.outcome = Outcome::duplicate;
    delivery.status = 200;
    delivery.reason = "duplicate of an acknowledged delivery";
    return;
  }
  delivery.outcome = Outcome::accepted;
  delivery.status = failure.on_purpose ? failure.status : 200;
  delivery.reason = "verified";
  if (m_config.forward_to) {
    const auto relayed =
        forward(*m_config.forward_to, m_config.forward_timeout_s, request.headers, request.body);
    if (!relayed.status || !is_2xx(*relayed.status)) {
      delivery.outcome = Outcome::forward_failed;
      delivery.status = relayed.status.value_or(502);
      delivery.reason = relayed.status ? fmt::format("{} answered {}", m_config.forward_to->str(),
                                                     *relayed.status)
                                       : relayed.error;
      release_id(delivery.id);
      return;
    }
    delivery.status = *relayed.status;
    delivery.reason = fmt::format("verified, forwarded ({})", *relayed.status);
  }
}

DeliveryHandler::IdShard& DeliveryHandler::shard_of(const std::string& id) {
  return m_acknowledged[std::hash<std::string>{}(id) % k_id_shards];
}

bool DeliveryHandler::reserve_id(const std::string& id) {
  auto& shard = shard_of(id);
  const std::lock_guard lock(shard.mutex);
  return shard.ids.insert(id);
}

void DeliveryHandler::release_id(const std::string& id) {
  auto& shard = shard_of(id);
  const std::lock_guard lock(shard.mutex);
  shard.ids.erase(id);
}

namespace {

enum Count : std::size_t {
  deliveries,
  verified,
  rejected,
  duplicates,
  filtered,
  failed_on_purpose,
  invalid,
  forward_failed,
  store_failed,
  stored,
};

} // namespace

void DeliveryHandler::finish(const ReceivedDelivery& delivery) {
  const auto count = [this](Count which, bool yes) {
    if (yes) {
      m_counts[which].fetch_add(1, std::memory_order_relaxed);
    }
  };
  count(deliveries, true);
  count(verified, delivery.verified());
  count(rejected, delivery.outcome == Outcome::rejected);
  count(duplicates, delivery.outcome == Outcome::duplicate);
  count(filtered, delivery.outcome == Outcome::filtered);
  count(failed_on_purpose, delivery.outcome == Outcome::failed_on_purpose);
  count(invalid, delivery.outcome == Outcome::invalid);
  count(forward_failed, delivery.outcome == Outcome::forward_failed);
  count(store_failed, delivery.outcome == Outcome::store_failed);
  count(stored, delivery.outcome == Outcome::accepted && static_cast<bool>(m_hooks.persist));
  if (m_hooks.report) {
    const std::lock_guard lock(m_report_mutex);
    m_hooks.report(delivery);
  }
  // What the filters let through counts, so that --max-events waits for what was asked for.
  const auto max = m_max_deliveries.load();
  if (max != 0 && delivery.outcome != Outcome::filtered && m_limited.fetch_add(1) + 1 == max) {
    m_limit_reached();
  }
}

bool DeliveryHandler::may_block() const {
  return m_config.forward_to.has_value();
}

ListenerStats DeliveryHandler::stats() const {
  static_assert(stored + 1 == std::tuple_size_v<decltype(m_counts)>,
                "one count for each field of ListenerStats");
  const auto get = [this](Count which) { return m_counts[which].load(); };
  return {
      get(deliveries),        get(verified), get(rejected),       get(duplicates),   get(filtered),
      get(failed_on_purpose), get(invalid),  get(forward_failed), get(store_failed), get(stored)};
}

} // namespace linkhook
