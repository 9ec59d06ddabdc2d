#pragma once

#include "http/request.hpp"
#include "net/transport.hpp"

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace linkhook {

struct ServerOptions {
  std::size_t max_body = std::size_t{1} << 20; // larger bodies are not read (see RequestReader)
  // A connection's idle timeout, the deadline of a TLS handshake and of a whole request head,
  // and how long a read or write may make no progress.
  int io_timeout_ms = 5000;
  // Connections held at once. At the limit, a new connection closes the one that has waited
  // longest for a request (or its handshake) among those of the loop that accepted it; when every
  // one of them is busy, the new one closes.
  std::size_t max_connections = 4096;
  std::size_t loops = 0; // event loops, a thread each; 0: one per core
  // Threads that run the handler when it may block (forwarding); 0: the handler runs in the
  // event loop itself, and must not block (a handler that waits on something answers later).
  std::size_t workers = 0;
};

class ServerState;
namespace server_loop {
class Loop;
struct Connection;
} // namespace server_loop

// The body of a streamed answer (Server-Sent Events, say), given out as it comes: see
// HttpServer::Later::stream.
class AnswerStream {
public:
  // Bytes queued and not yet sent beyond which a client counts as gone: one that reads nothing
  // cannot make the server hold more.
  static constexpr std::size_t k_max_queued = std::size_t{1} << 20;

  explicit AnswerStream(server_loop::Loop& loop) : m_loop(&loop) {}

  // From any thread: queues bytes to send. False once the answer has ended (the client went or
  // fell k_max_queued behind, the server stops, or end() was called): push no more then.
  bool push(std::string_view bytes);
  // Ends the answer: the connection closes once what was pushed is sent.
  void end();

private:
  friend class server_loop::Loop;
  friend class ServerState;
  enum class Taken { more, ended, abandoned };
  // For the loop: moves what was pushed to `out`, and says whether more may come.
  Taken take(std::string& out);
  // For the loop, when the connection closes: pushes fail from then on.
  void detach();

  std::mutex m_mutex;        // guards what follows
  server_loop::Loop* m_loop; // null once detached
  std::string m_queued;
  bool m_ended = false;
  bool m_overflowed = false;
};

// linkhook's HTTP/1.1 server, plain or over TLS: epoll event loops, each on a thread of its own,
// own accepting, reading, parsing (RequestReader), the TLS handshake and writing, for every
// connection, without a thread per connection. Timers in each loop replace sleeping threads: the
// idle timeout, the head deadline, a delayed answer, the wait after a last answer. A connection
// holds no buffer while it waits: a loop reads into one buffer of its own, and a connection keeps
// only the request it is reading (its head is bounded, its body by max_body).
class HttpServer {
public:
  // Given to a handler that may answer after it returns, or stream its answer.
  class Later {
  public:
    // Called by a handler that answers after it returns (it waits on a store's sync, say),
    // once: the answer goes out when the function it returns is called, from any thread. Until
    // then the server leaves the request and the answer alone; the handler must not throw after
    // calling it.
    std::function<void()> operator()() const;
    // Called by a handler that streams its answer instead: the status and headers it sets go
    // out when it returns, without a Content-Length, and the body is what the stream is given,
    // as it comes, until the stream ends; then the connection closes. No timeout ends a stream
    // that waits for bytes; one whose client takes nothing for the I/O timeout is closed.
    std::shared_ptr<AnswerStream> stream() const;

  private:
    friend class ServerState;
    Later(server_loop::Connection& connection, bool& deferred)
        : m_connection(connection), m_deferred(deferred) {}
    server_loop::Connection& m_connection;
    bool& m_deferred;
  };
  // Answers one request; an exception becomes a 500. It may set answer.delay_ms.
  using Handler = std::function<void(const HttpRequest&, HttpAnswer&, const Later& later)>;

  // Binds host:port (0: any free port) and listens; serves HTTPS when `tls` (a server's context,
  // outliving this) is set. Throws Error when it cannot listen.
  HttpServer(const std::string& host, int port, Handler handler, ServerOptions options,
             const TlsContext* tls = nullptr);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const;

  // Serves until stop(), then returns once every connection has ended: those waiting for a
  // request close at once, a request being read or answered is finished first.
  void run();
  // From any thread, before or during run().
  void stop();

private:
  std::unique_ptr<ServerState> m_state;
};

} // namespace linkhook
