#include "net/transport.hpp"

#include "base/error.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>
#include <unistd.h>

namespace linkhook {

namespace {

// Under TLS, notes whether each read(2) of the socket came back short (see Transport::emptied).
long on_socket_read(BIO* bio, int operation, const char* /*data*/, std::size_t asked, int /*argi*/,
                    long /*argl*/, int returned, std::size_t* moved) {
  if (operation == (BIO_CB_READ | BIO_CB_RETURN)) {
    auto* reads = reinterpret_cast<bool*>(BIO_get_callback_arg(bio));
    *reads = returned <= 0 || moved == nullptr || *moved < asked;
  }
  return returned;
}

bool ip_address(const std::string& host) {
  in6_addr address{};
  return ::inet_pton(AF_INET, host.c_str(), &address) == 1 ||
         ::inet_pton(AF_INET6, host.c_str(), &address) == 1;
}

} // namespace

void TlsContext::Free::operator()(ssl_ctx_st* context) const {
  SSL_CTX_free(context);
}

void Transport::Free::operator()(ssl_st* ssl) const {
  SSL_free(ssl);
}

TlsContext::TlsContext(ssl_ctx_st* context) : m_context(context) {
  if (!m_context) {
    throw Error("cannot set up TLS", ExitCode::failed);
  }
  SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION);
  // Writes may be partial and resumed from a buffer that moved: bytes are sent in a loop.
  SSL_CTX_set_mode(context, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  // A peer that closes without close_notify ends a body read until the close, as over TCP.
  SSL_CTX_set_options(context, SSL_OP_IGNORE_UNEXPECTED_EOF);
  // Read what has arrived in one read(2), not each record's header and then its body in two:
  // the listener over https went from 68k to 97-106k requests/s (wrk -c16). A want_read still
  // means that the socket must be waited for: buffered records are decrypted first.
  SSL_CTX_set_read_ahead(context, 1);
}

TlsContext TlsContext::server(const std::string& cert_file, const std::string& key_file) {
  TlsContext tls(SSL_CTX_new(TLS_server_method()));
  auto* context = tls.m_context.get();
  // A connection waiting for its next request holds no read and write buffers (about 34 KiB):
  // the listener keeps thousands of them.
  SSL_CTX_set_mode(context, SSL_MODE_RELEASE_BUFFERS);
  const auto refuse = [](std::string message) {
    ERR_clear_error();
    return Error(std::move(message));
  };
  if (SSL_CTX_use_certificate_chain_file(context, cert_file.c_str()) != 1) {
    throw refuse(fmt::format("cannot load the TLS certificate '{}' (--tls-cert)", cert_file));
  }
  // OpenSSL refuses a key that is not the certificate's here too.
  if (SSL_CTX_use_PrivateKey_file(context, key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    throw refuse(fmt::format(
        "cannot load the TLS key '{}' (--tls-key), or it is not the certificate's key", key_file));
  }
  return tls;
}

TlsContext::TlsContext(bool insecure, const std::optional<std::string>& ca_file)
    : TlsContext(SSL_CTX_new(TLS_client_method())) {
  auto* context = m_context.get();
  SSL_CTX_set_verify(context, insecure ? SSL_VERIFY_NONE : SSL_VERIFY_PEER, nullptr);
  if (!ca_file) {
    SSL_CTX_set_default_verify_paths(context);
    return;
  }
  if (::access(ca_file->c_str(), R_OK) != 0) {
    throw Error(fmt::format("--ca-file '{}' cannot be read", *ca_file));
  }
  if (SSL_CTX_load_verify_locations(context, ca_file->c_str(), nullptr) != 1) {
    ERR_clear_error();
    throw Error(fmt::format("--ca-file '{}' holds no PEM certificate", *ca_file));
  }
}

bool Transport::start_tls(const TlsContext* tls) {
  if (tls == nullptr) {
    return false;
  }
  m_ssl.reset(SSL_new(tls->get()));
  if (!m_ssl || SSL_set_fd(m_ssl.get(), m_socket.get()) != 1) {
    m_ssl.reset();
    m_socket = FileDescriptor(); // handshake() fails: no connection
    return false;
  }
  m_reads = std::make_unique<SocketReads>();
  BIO* socket_bio = SSL_get_rbio(m_ssl.get());
  BIO_set_callback_ex(socket_bio, on_socket_read);
  BIO_set_callback_arg(socket_bio, reinterpret_cast<char*>(&m_reads->short_read));
  return true;
}

Transport Transport::accepted(FileDescriptor socket, const TlsContext* tls) {
  Transport transport;
  transport.m_socket = std::move(socket);
  if (transport.start_tls(tls)) {
    SSL_set_accept_state(transport.m_ssl.get());
  }
  return transport;
}

Transport::Transport(FileDescriptor socket, const TlsContext* tls, const std::string& host)
    : m_socket(std::move(socket)) {
  if (!start_tls(tls)) {
    return;
  }
  auto* ssl = m_ssl.get();
  SSL_set_connect_state(ssl);
  // A host that could not be set would leave the certificate unchecked against it: no
  // connection then, rather than one that trusts any name.
  bool host_set = false;
  if (ip_address(host)) { // checked against the certificate's IP addresses; no SNI for one
    host_set = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str()) == 1;
  } else {
    // SNI: SSL_set_tlsext_host_name, without the old-style cast of its macro.
    host_set = SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                        const_cast<char*>(host.c_str())) == 1 &&
               SSL_set1_host(ssl, host.c_str()) == 1;
  }
  if (!host_set) {
    m_ssl.reset();
    m_socket = FileDescriptor(); // handshake() fails: no connection
  }
}

Transport::Io Transport::handshake() {
  if (!m_socket) {
    m_error = "cannot set up TLS";
    return {Status::failed};
  }
  if (!m_ssl) {
    return {};
  }
  ERR_clear_error();
  const int returned = SSL_do_handshake(m_ssl.get());
  if (returned == 1) {
    return {};
  }
  auto io = tls_result(returned);
  m_untrusted = io.status == Status::failed && SSL_get_verify_result(m_ssl.get()) != X509_V_OK;
  if (m_untrusted) {
    m_error = X509_verify_cert_error_string(SSL_get_verify_result(m_ssl.get()));
  }
  return io;
}

Transport::Io Transport::read(char* buffer, std::size_t size) {
  if (!m_ssl) {
    const auto n = ::recv(m_socket.get(), buffer, size, 0);
    return n == 0 ? Io{Status::closed} : system_result(n, Status::want_read);
  }
  ERR_clear_error();
  std::size_t read = 0;
  const int returned = SSL_read_ex(m_ssl.get(), buffer, size, &read);
  return returned == 1 ? Io{Status::moved, read} : tls_result(returned);
}

Transport::Io Transport::write(std::string_view bytes) {
  if (!m_ssl) {
    return system_result(::send(m_socket.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL),
                         Status::want_write);
  }
  ERR_clear_error();
  std::size_t written = 0;
  const int returned = SSL_write_ex(m_ssl.get(), bytes.data(), bytes.size(), &written);
  return returned == 1 ? Io{Status::moved, written} : tls_result(returned);
}

bool Transport::buffered() const {
  return m_ssl && SSL_has_pending(m_ssl.get()) == 1;
}

bool Transport::emptied(std::size_t bytes, std::size_t asked) const {
  if (!m_ssl) {
    return bytes < asked;
  }
  return m_reads->short_read && !buffered();
}

void Transport::close_notify() {
  if (m_ssl && (SSL_get_shutdown(m_ssl.get()) & SSL_SENT_SHUTDOWN) == 0) {
    ERR_clear_error();
    SSL_shutdown(m_ssl.get());
    ERR_clear_error();
  }
}

Transport::Io Transport::system_result(long returned, Status would_block) {
  if (returned >= 0) {
    return {Status::moved, static_cast<std::size_t>(returned)};
  }
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
    return {would_block};
  }
  m_errno = errno;
  m_error = std::strerror(m_errno);
  return {Status::failed};
}

Transport::Io Transport::tls_result(int returned) {
  const int saved_errno = errno;
  switch (SSL_get_error(m_ssl.get(), returned)) {
  case SSL_ERROR_WANT_READ:
    return {Status::want_read};
  case SSL_ERROR_WANT_WRITE:
    return {Status::want_write};
  case SSL_ERROR_ZERO_RETURN:
    return {Status::closed};
  case SSL_ERROR_SYSCALL:
    if (saved_errno == 0) {
      return {Status::closed};
    }
    m_errno = saved_errno;
    m_error = std::strerror(saved_errno);
    return {Status::failed};
  default: {
    const auto code = ERR_peek_last_error();
    const char* reason = code == 0 ? nullptr : ERR_reason_error_string(code);
    m_errno = 0;
    m_error = reason != nullptr ? reason : "TLS error";
    ERR_clear_error();
    return {Status::failed};
  }
  }
}

} // namespace linkhook
