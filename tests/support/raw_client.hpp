#pragma once

#include <chrono>
#include <string>
#include <string_view>

// A TCP client that sends exactly the bytes it is given, for requests no HTTP library would send:
// half requests, floods of headers, lies about Content-Length. RawServer's side uses it too.
namespace linkhook::test {

class RawConnection {
public:
  RawConnection(const std::string& host, int port); // throws when it cannot connect
  explicit RawConnection(int fd) : m_fd(fd) {}      // a connected socket, closed by the destructor
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;
  ~RawConnection();

  // Sends all of `bytes`; false when the peer closed or reset the connection.
  bool send(std::string_view bytes);

  // Reads until the peer closes, `timeout` passes, or (when `until` is not empty) it appears.
  std::string receive(std::chrono::milliseconds timeout, std::string_view until = {});

  // True when the peer has closed (or reset) the connection within `timeout`.
  bool closed_within(std::chrono::milliseconds timeout);

private:
  int m_fd = -1;
};

// "http://127.0.0.1:PORT/..." → PORT
int port_of(const std::string& url);

} // namespace linkhook::test
