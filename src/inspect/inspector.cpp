#include "inspect/inspector.hpp"

#include "base/clock.hpp"
#include "base/error.hpp"
#include "base/timestamp.hpp"
#include "delivery/delivery_config.hpp"
#include "http/headers.hpp"
#include "http/request.hpp"
#include "http/url.hpp"
#include "inspect/web_assets.hpp"
#include "net/delivery_client.hpp"
#include "payload/json_path.hpp"
#include "store/record_diff.hpp"
#include "store/record_filter.hpp"

#include <charconv>
#include <fmt/format.h>
#include <map>
#include <sys/eventfd.h>

namespace linkhook {

namespace {

constexpr std::size_t k_max_limit = 500;
constexpr double k_default_wait_s = 30;
constexpr double k_max_wait_s = 300;
// Requests run on threads of their own, since a wait blocks one for as long as it lasts: enough
// for a test suite's parallel waits.
constexpr std::size_t k_workers = 16;

// A request that is not what it should be: answered with its status and message.
struct Refusal {
  int status;
  std::string message;
};

void answer_json(HttpAnswer& answer, int status, const nlohmann::ordered_json& json) {
  answer.status = status;
  answer.headers.add("Content-Type", "application/json");
  answer.headers.add("Cache-Control", "no-store");
  answer.body = json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

// The query's parameters; the last of a name wins, except for the `filter`s, kept in order.
struct Parameters {
  std::map<std::string, std::string> one;
  std::vector<std::string> filters;

  std::optional<std::string> get(const std::string& name) const {
    const auto found = one.find(name);
    return found == one.end() ? std::nullopt : std::optional(found->second);
  }
};

Parameters parameters_of(const HttpRequest& request) {
  Parameters parameters;
  for (auto& [name, value] : parse_query(request.query)) {
    if (name == "filter") {
      parameters.filters.push_back(std::move(value));
    } else {
      parameters.one[name] = std::move(value);
    }
  }
  return parameters;
}

std::uint64_t whole_number(const std::string& name, const std::string& text, std::uint64_t max) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value > max) {
    throw Refusal{400, fmt::format("{}: '{}' is not a whole number from 0 to {}", name, text, max)};
  }
  return value;
}

double seconds(const std::string& name, const std::string& text, double max) {
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() ||
      !(value >= 0 && value <= max)) {
    throw Refusal{400,
                  fmt::format("{}: '{}' is not a number of seconds from 0 to {}", name, text, max)};
  }
  return value;
}

DeliveryQuery delivery_query(const Parameters& p) {
  DeliveryQuery query;
  query.event = p.get("event");
  if (const auto kind = p.get("kind")) {
    // SPEC names replay attempts "attempt"; the store calls their records "attempts".
    query.kind = parse_kind(*kind == "attempt" ? "attempts" : *kind);
    if (!query.kind) {
      throw Refusal{400, fmt::format("kind: '{}' is none of received, sent, attempt", *kind)};
    }
  }
  if (const auto verified = p.get("verified")) {
    if (*verified != "true" && *verified != "false") {
      throw Refusal{400, fmt::format("verified: '{}' is neither true nor false", *verified)};
    }
    query.verified = *verified == "true";
  }
  if (const auto status = p.get("status")) {
    query.status = static_cast<int>(whole_number("status", *status, 999));
  }
  query.text = p.get("q").value_or("");
  if (const auto limit = p.get("limit")) {
    query.limit = static_cast<std::size_t>(whole_number("limit", *limit, k_max_limit));
    if (query.limit == 0) {
      throw Refusal{400, "limit: 0 would show nothing; ask for 1 to 500"};
    }
  }
  if (const auto before = p.get("before")) {
    query.before = whole_number("before", *before, UINT64_MAX);
  }
  return query;
}

RecordFilter wait_filter(const Parameters& p, std::int64_t started_ms) {
  RecordFilter filter;
  filter.event = p.get("event");
  for (const auto& text : p.filters) {
    try {
      filter.body.push_back(parse_assignment(text, "filter"));
    } catch (const Error& e) {
      throw Refusal{400, e.what()};
    }
  }
  filter.since_ms = started_ms;
  if (const auto since = p.get("since")) {
    filter.since_ms = parse_time_ms(*since);
    if (!filter.since_ms) {
      throw Refusal{400,
                    fmt::format("since: '{}' is not a time (ISO-8601, or Unix seconds)", *since)};
    }
  }
  return filter;
}

std::string_view content_type(std::string_view name) {
  if (name.ends_with(".html")) {
    return "text/html; charset=utf-8";
  }
  if (name.ends_with(".css")) {
    return "text/css; charset=utf-8";
  }
  if (name.ends_with(".js")) {
    return "text/javascript; charset=utf-8";
  }
  if (name.ends_with(".svg")) {
    return "image/svg+xml";
  }
  return "text/plain; charset=utf-8";
}

// A file of the page, with headers that keep whatever a payload holds from running: the page
// loads scripts and styles only from here, and no other site may frame it.
bool answer_asset(std::string_view path, HttpAnswer& answer) {
  const auto name = path == "/" ? std::string_view("index.html") : path.substr(1);
  for (const auto& file : web_assets()) {
    if (file.name == name) {
      answer.headers.add("Content-Type", std::string(content_type(name)));
      answer.headers.add("Cache-Control", "no-cache");
      answer.headers.add("X-Content-Type-Options", "nosniff");
      answer.headers.add("Referrer-Policy", "no-referrer");
      answer.headers.add("Content-Security-Policy",
                         "default-src 'none'; script-src 'self'; style-src 'self'; "
                         "img-src 'self' data:; connect-src 'self'; base-uri 'none'; "
                         "form-action 'none'; frame-ancestors 'none'");
      answer.body = file.text;
      return true;
    }
  }
  return false;
}

} // namespace

Inspector::Inspector(const InspectorConfig& config)
    : m_index(config.store), m_store(config.store), m_scheme(config.scheme),
      m_secret(config.secret), m_user_agent(config.user_agent), m_started_ms(unix_now_ms()),
      m_stopping(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)), m_feed(m_store),
      m_server(
          config.host, config.port,
          [this](const HttpRequest& request, HttpAnswer& answer, const HttpServer::Later& later) {
            this->answer(request, answer, later);
          },
          ServerOptions{.max_body = 1U << 16, .loops = 1, .workers = k_workers}) {
  if (!m_stopping) {
    throw Error(system_message("cannot set up the inspector", errno));
  }
  const auto host =
      config.host.find(':') != std::string::npos ? "[" + config.host + "]" : config.host;
  m_authority = fmt::format("{}:{}", host, m_server.port());
  m_url = fmt::format("http://{}/", m_authority);
  m_index.refresh();
}

Inspector::~Inspector() {
  stop();
}

void Inspector::start() {
  m_feed.start(m_stopping.get());
  m_thread = std::thread([this] { m_server.run(); });
}

void Inspector::stop() {
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto written = ::write(m_stopping.get(), &one, sizeof one);
  m_feed.stop();
  m_server.stop();
  if (m_thread.joinable()) {
    m_thread.join();
  }
}

void Inspector::answer(const HttpRequest& request, HttpAnswer& answer,
                       const HttpServer::Later& later) {
  try {
    // DNS rebinding: a page elsewhere whose name resolves to 127.0.0.1 reaches this port with its
    // own name in Host. Only this address is served, and changes only from pages it served.
    const auto* host = request.headers.find("Host");
    if (host == nullptr || !header_name_equal(*host, m_authority)) {
      throw Refusal{403, fmt::format("Host '{}' is not this inspector's address {}",
                                     host != nullptr ? *host : "", m_authority)};
    }
    const auto* origin = request.headers.find("Origin");
    if (request.method != "GET" && request.method != "HEAD" && origin != nullptr &&
        !header_name_equal(*origin, "http://" + m_authority)) {
      throw Refusal{403, fmt::format("Origin '{}' may not change this inspector", *origin)};
    }
    route(request, answer, later);
  } catch (const Refusal& refusal) {
    answer.headers = {};
    answer_json(answer, refusal.status, {{"error", refusal.message}});
  } catch (const std::exception& e) {
    answer.headers = {};
    answer_json(answer, 500, {{"error", e.what()}});
  }
}

void Inspector::route(const HttpRequest& request, HttpAnswer& answer,
                      const HttpServer::Later& later) {
  const auto& path = request.path;
  static constexpr std::string_view k_replay = "/replay";
  if (request.method == "POST" && path.starts_with("/api/deliveries/") &&
      path.ends_with(k_replay)) {
    const auto id = path.substr(16, path.size() - 16 - k_replay.size());
    replay(whole_number("record id", id, UINT64_MAX), request, answer);
    return;
  }
  if (request.method != "GET" && request.method != "HEAD") {
    throw Refusal{405, fmt::format("{} {} is not served", request.method, path)};
  }
  const auto parameters = parameters_of(request);
  if (path == "/api/deliveries") {
    const auto page = m_index.page(delivery_query(parameters));
    auto list = nlohmann::ordered_json::array();
    for (const auto& indexed : page.records) {
      list.push_back(delivery_summary(indexed));
    }
    answer_json(answer, 200,
                {{"deliveries", std::move(list)},
                 {"next", page.next ? nlohmann::ordered_json(std::to_string(*page.next))
                                    : nlohmann::ordered_json()}});
  } else if (path.starts_with("/api/deliveries/")) {
    const auto id = whole_number("record id", path.substr(16), UINT64_MAX);
    auto record = m_index.record(id);
    if (!record) {
      throw Refusal{404, fmt::format("no record {} in the store", id)};
    }
    answer_json(answer, 200, delivery_detail({id, std::move(*record)}));
  } else if (path == "/api/diff") {
    // What changed from record A to record B, as `store diff --json` says it.
    const auto record_of = [&](const std::string& side) {
      const auto text = parameters.get(side);
      if (!text) {
        throw Refusal{400, fmt::format("name the records to compare: api/diff?a=ID&b=ID")};
      }
      const auto id = whole_number(side, *text, UINT64_MAX);
      auto record = m_index.record(id);
      if (!record) {
        throw Refusal{404, fmt::format("no record {} in the store", id)};
      }
      return std::move(*record);
    };
    const auto a = record_of("a");
    auto diff = diff_json(diff_records(a, record_of("b")));
    diff["a"] = *parameters.get("a");
    diff["b"] = *parameters.get("b");
    answer_json(answer, 200, diff);
  } else if (path == "/api/stream") {
    answer.headers.add("Content-Type", "text/event-stream");
    answer.headers.add("Cache-Control", "no-store");
    m_feed.add(later.stream());
  } else if (path == "/api/wait") {
    const auto filter = wait_filter(parameters, m_started_ms);
    const auto timeout = parameters.get("timeout");
    const auto wait_s = timeout ? seconds("timeout", *timeout, k_max_wait_s) : k_default_wait_s;
    const auto awaited = wait_for_record(m_store, filter, steady_after(wait_s), m_stopping.get());
    if (awaited.interrupted) {
      throw Refusal{503, "the inspector is stopping"};
    }
    if (!awaited.record) {
      throw Refusal{408, fmt::format("no matching record within {} s", wait_s)};
    }
    answer_json(answer, 200, delivery_detail({awaited.offset, *awaited.record}));
  } else if (!answer_asset(path, answer)) {
    throw Refusal{404, fmt::format("nothing at {}", path)};
  }
}

// Re-signs the record's body under its webhook-id with a fresh timestamp, as `replay` does, and
// POSTs it once to the URL the JSON body names; the answer is the attempt. Only a JSON request
// is taken: a form that another site's page submits cannot be one without the browser asking
// first, and the Origin check refuses that.
void Inspector::replay(std::uint64_t record_id, const HttpRequest& request, HttpAnswer& answer) {
  const auto* type = request.headers.find("Content-Type");
  if (type == nullptr || !type->starts_with("application/json")) {
    throw Refusal{415, "send the replay as JSON: {\"url\": URL}, Content-Type application/json"};
  }
  const auto json = nlohmann::json::parse(request.body, nullptr, false);
  const auto url = json.is_object() && json.contains("url") && json["url"].is_string()
                       ? parse_url(json["url"].get<std::string>())
                       : std::nullopt;
  if (!url) {
    throw Refusal{400, "the body must be {\"url\": URL} with an http:// or https:// URL"};
  }
  if (!m_secret) {
    throw Refusal{409, "the inspector has no secret to sign with: start it with --secret, "
                       "--secret-file or LINKHOOK_SECRET"};
  }
  auto record = m_index.record(record_id);
  if (!record) {
    throw Refusal{404, fmt::format("no record {} in the store", record_id)};
  }
  DeliveryConfig config;
  config.client.url = *url;
  config.client.user_agent = m_user_agent;
  config.scheme = m_scheme;
  config.secret = &*m_secret;
  const auto headers = delivery_headers(config, Message{record->id, unix_now(), record->body}, {});
  DeliveryClient client(config.client);
  const auto outcome = client.post(headers, record->body);
  nlohmann::ordered_json attempt{{"id", record->id},
                                 {"url", url->str()},
                                 {"status", outcome.status},
                                 {"ms", outcome.ms},
                                 {"ok", outcome.ok()}};
  if (outcome.error != DeliveryError::none) {
    attempt["error"] = delivery_error_name(outcome.error);
    attempt["error_text"] = outcome.error_text;
  }
  answer_json(answer, 200, attempt);
}

} // namespace linkhook
