#pragma once

#include "process.hpp"
#include "temp_dir.hpp"

#include <doctest/doctest.h>
#include <string>
#include <vector>

namespace linkhook::test {

struct CertificateFiles {
  std::string cert;
  std::string key;
};

// A self-signed EC certificate for 127.0.0.1, made by the openssl command in `dir`; no CA
// trusts it, so a verifying client must be told to (--ca-file).
inline CertificateFiles make_self_signed_certificate(const TempDir& dir) {
  CertificateFiles files{(dir / "cert.pem").string(), (dir / "key.pem").string()};
  const auto made =
      run({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
           "-nodes", "-keyout", files.key, "-out", files.cert, "-days", "1", "-subj",
           "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"});
  REQUIRE_MESSAGE(made.exit_code == 0, made.err);
  return files;
}

// The arguments that make a listener serve HTTPS, with a certificate made in `dir` (loaded once
// the listener started: `dir` may go then); none for plain HTTP. For tests over both protocols.
inline std::vector<std::string> tls_args(const TempDir& dir, bool tls) {
  if (!tls) {
    return {};
  }
  const auto files = make_self_signed_certificate(dir);
  return {"--tls-cert", files.cert, "--tls-key", files.key};
}

} // namespace linkhook::test
