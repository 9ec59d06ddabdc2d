#include "raw_client.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>

namespace linkhook::test {

namespace {

using Clock = std::chrono::steady_clock;

int milliseconds_left(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return static_cast<int>(std::max<long long>(0, left.count()));
}

} // namespace

RawConnection::RawConnection(const std::string& host, int port, bool tls) {
  m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  ::inet_pton(AF_INET, host.c_str(), &address.sin_addr);
  if (m_fd < 0 || ::connect(m_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(m_fd); // no destructor runs for a constructor that throws
    throw std::runtime_error("cannot connect to " + host + ":" + std::to_string(port));
  }
  // No read or write blocks over 5 s, the handshake's included: a stalled peer fails a test
  // instead of hanging it.
  const timeval timeout{5, 0};
  ::setsockopt(m_fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(m_fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  if (!tls) {
    return;
  }
  static SSL_CTX* const trusting = [] {
    SSL_CTX* context = SSL_CTX_new(TLS_client_method()); // verifies nothing
    // A TLS 1.3 session ticket arriving after the handshake makes the socket readable: without
    // this, SSL_read would take it and block for data, so that a check for a close would hang.
    SSL_CTX_clear_mode(context, SSL_MODE_AUTO_RETRY);
    return context;
  }();
  m_ssl = SSL_new(trusting);
  SSL_set_fd(m_ssl, m_fd);
  if (SSL_connect(m_ssl) != 1) {
    SSL_free(m_ssl);
    ::close(m_fd);
    throw std::runtime_error("no TLS handshake with " + host + ":" + std::to_string(port));
  }
}

RawConnection::~RawConnection() {
  SSL_free(m_ssl);
  ::close(m_fd);
}

long RawConnection::read_some(char* buffer, std::size_t size) {
  if (m_ssl == nullptr) {
    const auto n = ::recv(m_fd, buffer, size, 0);
    return n >= 0 ? n : (errno == EINTR || errno == EAGAIN ? -1 : 0);
  }
  std::size_t read = 0;
  if (SSL_read_ex(m_ssl, buffer, size, &read) == 1) {
    return static_cast<long>(read);
  }
  return SSL_get_error(m_ssl, 0) == SSL_ERROR_WANT_READ ? -1 : 0;
}

bool RawConnection::send(std::string_view bytes) {
  while (!bytes.empty()) {
    std::size_t written = 0;
    const ssize_t n = m_ssl == nullptr
                          ? ::send(m_fd, bytes.data(), bytes.size(), MSG_NOSIGNAL)
                          : (SSL_write_ex(m_ssl, bytes.data(), bytes.size(), &written) == 1
                                 ? static_cast<ssize_t>(written)
                                 : -1);
    if (n <= 0) {
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

std::string RawConnection::receive(std::chrono::milliseconds timeout, std::string_view until) {
  const auto deadline = Clock::now() + timeout;
  std::string received;
  while (until.empty() || received.find(until) == std::string::npos) {
    pollfd fd{m_fd, POLLIN, 0};
    if ((m_ssl == nullptr || SSL_pending(m_ssl) == 0) &&
        ::poll(&fd, 1, milliseconds_left(deadline)) <= 0) {
      break;
    }
    char buffer[4096];
    const auto n = read_some(buffer, sizeof buffer);
    if (n == 0) {
      break;
    }
    if (n > 0) {
      received.append(buffer, static_cast<std::size_t>(n));
    }
  }
  return received;
}

bool RawConnection::closed_within(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (true) {
    pollfd fd{m_fd, POLLIN, 0};
    if (::poll(&fd, 1, milliseconds_left(deadline)) <= 0) {
      return false;
    }
    char buffer[4096];
    if (read_some(buffer, sizeof buffer) == 0) {
      return true;
    }
  }
}

int port_of(const std::string& url) {
  const auto colon = url.rfind(':');
  return std::stoi(url.substr(colon + 1));
}

} // namespace linkhook::test
