#pragma once

#include <chrono>
#include <string>
#include <string_view>

struct ssl_st;

// A TCP client that sends exactly the bytes it is given, for requests no HTTP library would send:
// half requests, floods of headers, lies about Content-Length. RawServer's side uses it too.
namespace linkhook::test {

class RawConnection {
public:
  // Throws when it cannot connect; over TLS (any certificate trusted) when `tls` is set, and then
  // when the handshake fails too. No read or write on it blocks over 5 s.
  RawConnection(const std::string& host, int port, bool tls = false);
  // A connected socket, closed by the destructor; over TLS (an accepted SSL on it, freed by the
  // destructor) when `ssl` is set.
  explicit RawConnection(int fd, ssl_st* ssl = nullptr) : m_fd(fd), m_ssl(ssl) {}
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;
  ~RawConnection();

  // Sends all of `bytes`; false when the peer closed or reset the connection.
  bool send(std::string_view bytes);

  // Reads until the peer closes, `timeout` passes, or (when `until` is not empty) it appears.
  std::string receive(std::chrono::milliseconds timeout, std::string_view until = {});

  // True when the peer has closed (or reset) the connection within `timeout`; what it sent
  // meanwhile is read and dropped. With no timeout, whether it has closed already.
  bool closed_within(std::chrono::milliseconds timeout);

  int fd() const { return m_fd; }

private:
  // recv, or SSL_read: the bytes read; 0: closed or failed; -1: nothing yet (a TLS record that was
  // not data, a read interrupted or timed out).
  long read_some(char* buffer, std::size_t size);

  int m_fd = -1;
  ssl_st* m_ssl = nullptr;
};

// "http://127.0.0.1:PORT/..." → PORT
int port_of(const std::string& url);

} // namespace linkhook::test
