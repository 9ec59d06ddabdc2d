#pragma once

#include "base/posix_file.hpp"
#include "inspect/live_feed.hpp"
#include "inspect/record_index.hpp"
#include "net/server.hpp"
#include "signing/secret.hpp"
#include "signing/signature.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>

// The inspector's server: the JSON API of SPEC's "Inspector and API" over the event store. It
// answers 403 to a Host that is not its own address (DNS rebinding) and to a POST whose Origin
// is another site.
namespace linkhook {

struct InspectorConfig {
  std::string host = "127.0.0.1";
  std::uint16_t port = 4040; // 0: a free one
  std::filesystem::path store;
  // What `api/deliveries/ID/replay` signs with; without a secret it answers 409.
  Scheme scheme = Scheme::standard;
  std::optional<Secret> secret;
  std::string user_agent = "linkhook";
};

class Inspector {
public:
  // Binds; throws Error when it cannot (the port taken, an address that is none of this host's).
  explicit Inspector(const InspectorConfig& config);
  Inspector(const Inspector&) = delete;
  Inspector& operator=(const Inspector&) = delete;
  ~Inspector(); // stops

  // "http://127.0.0.1:4040/"
  const std::string& url() const { return m_url; }

  // Serves from a thread of its own until stop().
  void start();
  // Ends the waits and streams in progress and stops serving.
  void stop();

private:
  void answer(const HttpRequest& request, HttpAnswer& answer, const HttpServer::Later& later);
  void route(const HttpRequest& request, HttpAnswer& answer, const HttpServer::Later& later);
  void replay(std::uint64_t record_id, const HttpRequest& request, HttpAnswer& answer);

  RecordIndex m_index;
  std::filesystem::path m_store;
  Scheme m_scheme;
  std::optional<Secret> m_secret;
  std::string m_user_agent;
  std::int64_t m_started_ms;
  FileDescriptor m_stopping; // an eventfd, readable once stop() began: ends the waits
  LiveFeed m_feed;
  HttpServer m_server;
  std::string m_authority; // host:port, as a Host header names it
  std::string m_url;
  std::thread m_thread;
};

} // namespace linkhook
