#include "net/server.hpp"

#include "base/error.hpp"
#include "net/server_loop.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <vector>

namespace linkhook {

namespace {

FileDescriptor listen_on(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const auto service = std::to_string(port);
  if (const int code = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found); code != 0) {
    throw Error(fmt::format("cannot listen on {}:{}: {}", host, port, ::gai_strerror(code)));
  }
  const std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> addresses(found, ::freeaddrinfo);
  int error = 0;
  for (const auto* address = found; address != nullptr; address = address->ai_next) {
    FileDescriptor sock(::socket(address->ai_family,
                                 address->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                                 address->ai_protocol));
    // Reusing an address in TIME_WAIT is all a restart needs; no SO_REUSEPORT, which would let
    // a second listener share the port and silently take half the deliveries.
    const int yes = 1;
    if (sock && ::setsockopt(sock.get(), SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes) == 0 &&
        ::bind(sock.get(), address->ai_addr, address->ai_addrlen) == 0 &&
        ::listen(sock.get(), SOMAXCONN) == 0) {
      return sock;
    }
    error = errno;
  }
  throw Error(fmt::format("cannot listen on {}:{}: {}", host, port, std::strerror(error)));
}

int bound_port(int sock) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (::getsockname(sock, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    return -1;
  }
  return address.ss_family == AF_INET6
             ? ntohs(reinterpret_cast<const sockaddr_in6*>(&address)->sin6_port)
             : ntohs(reinterpret_cast<const sockaddr_in*>(&address)->sin_port);
}

} // namespace

std::function<void()> HttpServer::Later::operator()() const {
  m_deferred = true;
  return [&connection = m_connection] { connection.loop.answered_elsewhere(connection); };
}

std::shared_ptr<AnswerStream> HttpServer::Later::stream() const {
  m_connection.stream = std::make_shared<AnswerStream>(m_connection.loop);
  return m_connection.stream;
}

bool ServerState::answer(Connection& connection) const {
  bool deferred = false;
  const HttpServer::Later later(connection, deferred);
  try {
    handler(connection.reader.request(), connection.answer, later);
  } catch (const std::exception& e) {
    if (connection.stream) {
      connection.stream->detach(); // the handler may still hold it: its pushes fail
      connection.stream.reset();
    }
    if (!deferred) {
      connection.answer = {.status = 500,
                           .headers = {},
                           .body = fmt::format("internal error: {}\n", e.what()),
                           .delay_ms = 0};
    }
  }
  return !deferred;
}

HttpServer::HttpServer(const std::string& host, int port, Handler handler, ServerOptions options,
                       const TlsContext* tls)
    : m_state(std::make_unique<ServerState>(std::move(handler), options, tls)) {
  raise_descriptor_limit();
  m_state->listening = listen_on(host, port);
  m_state->port = bound_port(m_state->listening.get());
  const auto loops = options.loops != 0
                         ? options.loops
                         : std::max<std::size_t>(1, std::thread::hardware_concurrency());
  for (std::size_t i = 0; i < loops; ++i) {
    m_state->loops.push_back(std::make_unique<Loop>(*m_state));
  }
}

HttpServer::~HttpServer() = default;

int HttpServer::port() const {
  return m_state->port;
}

void HttpServer::run() {
  auto& s = *m_state;
  if (s.options.workers > 0) {
    s.workers = std::make_unique<Workers>(s.options.workers, [&s](Connection& c) {
      if (s.answer(c)) {
        c.loop.answered_elsewhere(c);
      }
    });
  }
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < s.loops.size(); ++i) {
    threads.emplace_back([loop = s.loops[i].get()] { loop->run(); });
  }
  s.loops[0]->run();
  for (auto& thread : threads) {
    thread.join();
  }
  s.workers.reset(); // idle: every connection has ended
}

void HttpServer::stop() {
  auto& s = *m_state;
  s.stopping = true;
  for (const auto& loop : s.loops) {
    loop->wake();
  }
}

} // namespace linkhook
