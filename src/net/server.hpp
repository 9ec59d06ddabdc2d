#pragma once

#include "http/request.hpp"
#include "net/transport.hpp"

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

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

// linkhook's HTTP/1.1 server, plain or over TLS: epoll event loops, each on a thread of its own,
// own accepting, reading, parsing (RequestReader), the TLS handshake and writing, for every
// connection, without a thread per connection. Timers in each loop replace sleeping threads: the
// idle timeout, the head deadline, a delayed answer, the wait after a last answer. A connection
// holds no buffer while it waits: a loop reads into one buffer of its own, and a connection keeps
// only the request it is reading (its head is bounded, its body by max_body).
class HttpServer {
public:
  // Called by a handler that answers after it returns (it waits on a store's sync, say), once:
  // the answer goes out when the function it returns is called, from any thread. Until then the
  // server leaves the request and the answer alone; the handler must not throw after calling it.
  using Later = std::function<std::function<void()>()>;
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
