#pragma once

#include "http/response.hpp"
#include "net/delivery_client.hpp"
#include "net/transport.hpp"

#include <atomic>
#include <chrono>
#include <string>
#include <string_view>
#include <sys/socket.h>
#include <vector>

namespace linkhook {

// An HTTP/1.1 keep-alive connection, over TCP or TLS, that POSTs and reads the answer with one
// send and (usually) one poll and one read per delivery: `send --count` is a load generator.
// Every wait is a poll of k_stop_slice at most, ended by one deadline for the whole post
// (connect, handshake, request, the complete answer) and by a set `stop` (interrupted). Only the
// first k_response_prefix_bytes of a body are kept; a head over k_max_answer_head_bytes or a
// body over k_max_answer_body_bytes fails the post.
class HttpConnection {
public:
  // `tls` (kept by the caller, for the connection's life) for an https:// url.
  HttpConnection(Url url, double timeout_s, const std::atomic<bool>* stop = nullptr,
                 const TlsContext* tls = nullptr);

  // Sends `headers` (Content-Length and Host are added; hop-by-hop ones dropped) and `body`.
  // Fills everything of the outcome but its milliseconds.
  DeliveryOutcome post(const Headers& headers, std::string_view body);

private:
  enum class Step { done, stale }; // stale: a reused connection that the server had closed

  void build_request(const Headers& headers, std::string_view body);
  bool open(DeliveryOutcome& outcome);
  bool connect(DeliveryOutcome& outcome, std::size_t address, int& error);
  bool handshake(DeliveryOutcome& outcome);
  Step exchange(DeliveryOutcome& outcome, bool reused);
  // Reads more bytes into m_in; false (and the outcome's error set) when none came.
  bool read_more(DeliveryOutcome& outcome, bool reused, bool& stale);
  // Polls the socket for `events`, a slice at a time: false (and the outcome's error set) once
  // stopped or past the deadline.
  bool wait(DeliveryOutcome& outcome, short events, bool connecting);
  bool read_body(DeliveryOutcome& outcome, ResponseBody body, std::uint64_t length);
  // Body bytes: the first ones kept; false (and the outcome's error set) once the body read so
  // far, or the length `announced`, is past the bound.
  bool keep(DeliveryOutcome& outcome, std::string_view data, std::uint64_t announced = 0);
  void fail(DeliveryOutcome& outcome, DeliveryError error, std::string text);

  Url m_url;
  double m_timeout_s;
  const std::atomic<bool>* m_stop;
  const TlsContext* m_tls;
  std::vector<sockaddr_storage> m_addresses; // resolved once
  std::vector<socklen_t> m_address_sizes;
  Transport m_transport;
  std::string m_request;
  std::string m_in;
  std::uint64_t m_body_bytes = 0; // of the answer being read
  std::chrono::steady_clock::time_point m_deadline;
};

} // namespace linkhook
