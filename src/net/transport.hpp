#pragma once

#include "base/posix_file.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct ssl_ctx_st;
struct ssl_st;

// The bytes of one connection, a client's or one the listener accepted, over TCP or over TLS on
// it (OpenSSL on the same non-blocking socket): every call moves what it can now and, when it can
// move nothing, says what to poll for. The caller owns the waiting, so that one deadline and one
// stop flag bound a TLS handshake and a dripping request or answer as they bound a plain one.
namespace linkhook {

// A client's: what https connections trust: the system's store, or only a --ca-file bundle; or,
// --insecure, any certificate for any name. Or a server's: the certificate it presents.
class TlsContext {
public:
  // Throws Error (usage) for a --ca-file that cannot be read or holds no certificate.
  TlsContext(bool insecure, const std::optional<std::string>& ca_file);
  // A server's, from PEM files (--tls-cert, --tls-key); throws Error (usage) naming the file that
  // cannot be loaded (a key that is not the certificate's cannot).
  static TlsContext server(const std::string& cert_file, const std::string& key_file);

  ssl_ctx_st* get() const { return m_context.get(); }

private:
  explicit TlsContext(ssl_ctx_st* context);

  struct Free {
    void operator()(ssl_ctx_st* context) const;
  };
  std::unique_ptr<ssl_ctx_st, Free> m_context;
};

class Transport {
public:
  enum class Status {
    moved,      // `bytes` moved (a handshake: it is done)
    want_read,  // nothing moved: call again once the socket is readable
    want_write, // nothing moved: call again once the socket is writable
    closed,     // the peer closed the connection
    failed,     // see error() and system_error()
  };
  struct Io {
    Status status = Status::moved;
    std::size_t bytes = 0;
  };

  Transport() = default;
  // TLS when `tls` is set: handshake() must then succeed first, checking the certificate against
  // `host` (a name, or an IP address) unless the context is insecure.
  Transport(FileDescriptor socket, const TlsContext* tls, const std::string& host);
  // A connection a server accepted; TLS (a server's context) when `tls` is set, and then
  // handshake() must succeed first.
  static Transport accepted(FileDescriptor socket, const TlsContext* tls);

  explicit operator bool() const { return static_cast<bool>(m_socket); }
  bool tls() const { return static_cast<bool>(m_ssl); }
  int socket() const { return m_socket.get(); }

  Io handshake();
  Io read(char* buffer, std::size_t size);
  Io write(std::string_view bytes);

  // TLS holds bytes already read from the socket: read before polling.
  bool buffered() const;
  // After a read that moved `bytes` of the `asked`: whether it left the socket empty, so that
  // (edge-triggered) the next bytes come with an event of their own. Over TCP a short read did;
  // over TLS, the last read(2) under it was short and TLS holds nothing more.
  bool emptied(std::size_t bytes, std::size_t asked) const;
  // Over TLS, sends the close_notify alert if the socket takes it now, so that the peer sees an
  // orderly end; over TCP, nothing. Call it once, before closing.
  void close_notify();
  // After `failed`: why, in a few words; the errno (0 for a TLS-level failure); whether the
  // handshake failed on the peer's certificate.
  const std::string& error() const { return m_error; }
  int system_error() const { return m_errno; }
  bool untrusted() const { return m_untrusted; }

private:
  // Sets up TLS on the socket; without it (or when it fails) the socket is closed.
  bool start_tls(const TlsContext* tls);
  Io tls_result(int returned);
  Io system_result(long returned, Status would_block);

  struct Free {
    void operator()(ssl_st* ssl) const;
  };
  // What the socket's reads under TLS saw; on the heap, where the read callback finds it however
  // the transport moves.
  struct SocketReads {
    bool short_read = false; // the last read(2) returned less than asked, or nothing
  };
  FileDescriptor m_socket;
  std::unique_ptr<SocketReads> m_reads;
  std::unique_ptr<ssl_st, Free> m_ssl; // freed before the socket closes
  std::string m_error;
  int m_errno = 0;
  bool m_untrusted = false;
};

} // namespace linkhook
