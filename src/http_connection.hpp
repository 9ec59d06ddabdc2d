#pragma once

#include "delivery_client.hpp"
#include "posix_file.hpp"

#include <chrono>
#include <string>
#include <string_view>
#include <sys/socket.h>
#include <vector>

namespace linkhook {

// A plain-HTTP/1.1 keep-alive connection that POSTs and reads the answer with one send and
// (usually) one recv per delivery: `send --count` is a load generator, and a general client
// costs several polls per request. https goes through httplib (DeliveryClient) instead.
class PlainHttpConnection {
public:
  PlainHttpConnection(Url url, double timeout_s);

  // Sends `headers` (Content-Length and Host are added; hop-by-hop ones dropped) and `body`.
  // Fills everything of the outcome but its milliseconds.
  DeliveryOutcome post(const Headers& headers, std::string_view body);

private:
  enum class Step { done, stale }; // stale: a reused connection that the server had closed

  void build_request(const Headers& headers, std::string_view body);
  bool open(DeliveryOutcome& outcome);
  Step exchange(DeliveryOutcome& outcome, bool reused);
  // Reads more bytes into m_in; false (and the outcome's error set) when none came.
  bool read_more(DeliveryOutcome& outcome, bool reused, bool& stale);
  bool read_body(DeliveryOutcome& outcome, std::size_t head_end, bool& keep);
  void take(DeliveryOutcome& outcome, std::size_t bytes); // body bytes: the first ones kept
  void fail(DeliveryOutcome& outcome, DeliveryError error, std::string text);

  Url m_url;
  double m_timeout_s;
  std::vector<sockaddr_storage> m_addresses; // resolved once
  std::vector<socklen_t> m_address_sizes;
  FileDescriptor m_fd;
  std::string m_request;
  std::string m_in;
  std::chrono::steady_clock::time_point m_deadline;
  bool m_first_read = true;   // of this post: the socket's timeout is still the whole one
  bool m_timeout_cut = false; // a later read shortened the socket's timeout
};

} // namespace linkhook
