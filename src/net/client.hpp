#pragma once

#include "http/chunked.hpp"
#include "http/response.hpp"
#include "net/delivery_client.hpp"
#include "net/transport.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <sys/socket.h>
#include <vector>

namespace linkhook {

// An HTTP/1.1 keep-alive connection, over TCP or TLS, that POSTs and reads the answer with one
// send and (usually) one wait and one read per delivery: `send --count` is a load generator.
//
// A post is a state machine that never blocks: start() it, then call advance() whenever the
// socket may have moved on, until it says the post ended. Whoever calls it owns the waiting:
// post() polls the one socket (replay, --forward-to); an event loop (net/client_loop.hpp) waits
// on many at once (send). One deadline bounds the whole post (connect, handshake, request, the
// complete answer), and a stop ends it (interrupted). Only the first k_response_prefix_bytes of a
// body are kept; a head over k_max_answer_head_bytes or a body over k_max_answer_body_bytes fails
// the post.
class HttpConnection {
public:
  using Clock = std::chrono::steady_clock;

  // `tls` (kept by the caller, for the connection's life) for an https:// url. post() ends early,
  // interrupted, once `stop` is set.
  HttpConnection(Url url, double timeout_s, const std::atomic<bool>* stop = nullptr,
                 const TlsContext* tls = nullptr);

  // What a post waits for on socket() before advance() can move it on; none once it ended.
  enum class Wait { none, read, write };

  // Begins posting `headers` (Content-Length and Host are added; hop-by-hop ones dropped) and
  // `body`, due within the timeout from `now`.
  void start(const Headers& headers, std::string_view body, Clock::time_point now);
  // Moves the post on as far as it goes without waiting.
  Wait advance();
  // What a poll or an epoll event said of socket().
  void ready(bool readable, bool writable) {
    m_can_read = m_can_read || readable;
    m_can_write = m_can_write || writable;
  }
  // Ends the post in progress: its deadline passed, or a stop was asked for.
  void expire();
  void interrupt();
  // Ends the post in progress as failed, for `reason`.
  void give_up(std::string reason) { fail(DeliveryError::other, std::move(reason)); }
  // Once advance() said none: how the post ended, everything but its milliseconds.
  DeliveryOutcome& outcome() { return m_outcome; }

  int socket() const { return m_transport.socket(); }
  // Counts the sockets opened: when it changes, socket() is a new one.
  std::uint64_t sockets_opened() const { return m_opened; }
  Clock::time_point deadline() const { return m_deadline; }

  // start(), then waits for the socket (polls of k_stop_slice at most) until the post ended, its
  // deadline passed or `stop` was set.
  DeliveryOutcome post(const Headers& headers, std::string_view body);

private:
  enum class State {
    done,         // no post in progress
    opening,      // about to connect, to m_addresses[m_address] or the next address
    connecting,   // a connect in progress
    handshaking,  // TLS
    writing,      // the request, from m_sent on
    reading_head, // the answer's head
    reading_body, // the answer's body, as m_head says it is delimited
  };

  void build_request(const Headers& headers, std::string_view body);
  // Each moves the post on from its state: nullopt when the state changed (the post may have
  // ended), or what to wait for.
  std::optional<Wait> open();
  std::optional<Wait> connected();
  std::optional<Wait> handshake();
  std::optional<Wait> write();
  std::optional<Wait> read_head();
  std::optional<Wait> read_body();
  // Reads more into m_in: true when bytes came. Otherwise the post failed, a stale connection is
  // being replaced, an answer delimited by the close ended, or waiting() says what to wait for.
  bool read_more();
  std::optional<Wait> waiting() const {
    return m_waiting == Wait::none ? std::nullopt : std::optional(m_waiting);
  }
  // The socket would block for `wait`: wait for it.
  Wait blocked(Wait wait);
  // What a transport's want_read or want_write says to wait for (nullopt for other statuses).
  std::optional<Wait> would_block(Transport::Status status);
  // Body bytes: the first ones kept; false (and the post failed) once the body read so far, or
  // the length `announced`, is past the bound.
  bool keep(std::string_view data, std::uint64_t announced = 0);
  void finish();
  void fail(DeliveryError error, std::string text);
  // A kept-alive connection that the server had closed before this post: once more, on a new one.
  void reconnect();

  Url m_url;
  std::string m_host_line; // "Host: host[:port]\r\n", unless the headers name one
  double m_timeout_s;
  const std::atomic<bool>* m_stop;
  const TlsContext* m_tls;
  std::vector<sockaddr_storage> m_addresses; // resolved once
  std::vector<socklen_t> m_address_sizes;
  Transport m_transport;
  std::uint64_t m_opened = 0;
  std::string m_request;
  std::string m_in;
  State m_state = State::done;
  Wait m_waiting = Wait::none;
  bool m_can_read = false; // the socket may hold bytes (it did not say it would block since)
  bool m_can_write = false;
  bool m_reused = false; // the post began on a kept-alive connection
  std::size_t m_address = 0;
  int m_connect_error = 0;
  std::size_t m_sent = 0;
  ResponseHead m_head; // of the answer being read (its views are not used after the head)
  ChunkedDecoder m_chunks;
  std::uint64_t m_body_bytes = 0;
  DeliveryOutcome m_outcome;
  Clock::time_point m_deadline;
};

} // namespace linkhook
