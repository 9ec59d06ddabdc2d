#pragma once

#include "base/posix_file.hpp"
#include "http/response.hpp"
#include "net/delivery_client.hpp"

#include <atomic>
#include <chrono>
#include <string>
#include <string_view>
#include <sys/socket.h>
#include <vector>

namespace linkhook {

// A plain-HTTP/1.1 keep-alive connection that POSTs and reads the answer with one send and
// (usually) one recv per delivery: `send --count` is a load generator, and a general client
// costs several polls per request. https goes through httplib (DeliveryClient) instead.
// Blocking sends and receives wait in slices of k_stop_slice at most, so that a set `stop` ends a
// post soon (interrupted), while an answer that is there costs no extra call.
class PlainHttpConnection {
public:
  PlainHttpConnection(Url url, double timeout_s, const std::atomic<bool>* stop = nullptr);

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
  // Before a wait: false (and the outcome's error set) once stopped or past the deadline; else
  // shortens the socket's receive timeout when the deadline is nearer than a slice.
  bool may_wait(DeliveryOutcome& outcome);
  bool read_body(DeliveryOutcome& outcome, ResponseBody body, std::uint64_t length);
  void keep(DeliveryOutcome& outcome, std::string_view data); // body bytes: the first ones kept
  void fail(DeliveryOutcome& outcome, DeliveryError error, std::string text);

  Url m_url;
  double m_timeout_s;
  const std::atomic<bool>* m_stop;
  double m_slice_s;       // the longest a blocking call waits: k_stop_slice, or the timeout
  double m_receive_s = 0; // the socket's receive timeout now
  std::vector<sockaddr_storage> m_addresses; // resolved once
  std::vector<socklen_t> m_address_sizes;
  FileDescriptor m_fd;
  std::string m_request;
  std::string m_in;
  std::chrono::steady_clock::time_point m_deadline;
};

} // namespace linkhook
