#include "raw_server.hpp"

#include <arpa/inet.h>
#include <csignal>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>

namespace linkhook::test {

RawServer::RawServer(std::function<void(RawConnection&)> answer, const std::optional<RawTls>& tls)
    : m_answer(std::move(answer)), m_socket(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
  if (tls) {
    std::signal(SIGPIPE, SIG_IGN); // SSL_write to a client that has gone: an error, not a crash
    m_tls = SSL_CTX_new(TLS_server_method());
    if (SSL_CTX_use_certificate_chain_file(m_tls, tls->cert.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(m_tls, tls->key.c_str(), SSL_FILETYPE_PEM) != 1) {
      SSL_CTX_free(m_tls);
      ::close(m_socket);
      throw std::runtime_error("cannot load the test certificate");
    }
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  if (m_socket < 0 || ::bind(m_socket, reinterpret_cast<sockaddr*>(&address), size) != 0 ||
      ::listen(m_socket, 8) != 0 ||
      ::getsockname(m_socket, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
    ::close(m_socket);
    throw std::runtime_error("cannot listen on 127.0.0.1");
  }
  m_port = ntohs(address.sin_port); // listening: connects queue from here
  m_thread = std::thread([this] { serve(); });
}

RawServer::~RawServer() {
  m_stopping = true;
  m_thread.join();
  ::close(m_socket);
  SSL_CTX_free(m_tls);
}

std::string RawServer::url() const {
  return (m_tls != nullptr ? "https" : "http") + std::string("://127.0.0.1:") +
         std::to_string(m_port) + "/";
}

bool RawServer::wait_for_request(std::chrono::milliseconds timeout) {
  std::unique_lock lock(m_mutex);
  return m_arrived.wait_for(lock, timeout, [this] { return m_request; });
}

void RawServer::serve() {
  while (!m_stopping) {
    pollfd ready{m_socket, POLLIN, 0};
    if (::poll(&ready, 1, 50) <= 0) { // a short wait, to see m_stopping
      continue;
    }
    const int fd = ::accept4(m_socket, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      continue;
    }
    ++m_connections;
    ssl_st* ssl = nullptr;
    if (m_tls != nullptr) {
      const timeval patience{10, 0}; // a client that never finishes its handshake
      ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &patience, sizeof patience);
      ssl = SSL_new(m_tls);
      SSL_set_fd(ssl, fd);
      if (SSL_accept(ssl) != 1) {
        RawConnection failed(fd, ssl);
        continue;
      }
    }
    RawConnection connection(fd, ssl);
    if (connection.receive(std::chrono::seconds(10), "\r\n\r\n").find("\r\n\r\n") ==
        std::string::npos) {
      continue;
    }
    {
      std::lock_guard lock(m_mutex);
      m_request = true;
    }
    m_arrived.notify_all();
    m_answer(connection);
  }
}

} // namespace linkhook::test
