# Shared by bench/listen, bench/send and bench/hostile: the certificate and the nginx that
# linkhook is measured against. Source it after scripts/lib.sh; do not run it.
# shellcheck shell=bash

# self_signed_cert DIR: writes DIR/cert.pem and DIR/key.pem, a self-signed EC P-256 certificate
# for 127.0.0.1 (as tests/cli/tls_helpers.hpp makes), so that linkhook and its peers serve the
# same one and pay for the same handshake.
self_signed_cert() {
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$1/key.pem" \
    -out "$1/cert.pem" -days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
    >/dev/null 2>&1 || die "openssl could not make a certificate in $1"
}

# nginx_conf DIR PORT [TLS_PORT CERT KEY]: writes DIR/nginx.conf, nginx answering 204 without
# any work on 127.0.0.1:PORT (and over TLS on TLS_PORT with CERT and KEY), tuned as issue 16's
# goals say: 2 workers, and keepalive_requests so high that no client's connection is ever
# closed for its number of requests (nginx's default, 1000, makes a load reconnect every 1000).
nginx_conf() {
  local dir=$1 port=$2 tls=
  [ $# -lt 5 ] || tls="listen 127.0.0.1:$3 ssl; ssl_certificate $4; ssl_certificate_key $5;"
  mkdir -p "$dir"
  cat >"$dir/nginx.conf" <<EOF
worker_processes 2;
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000000;
  client_body_temp_path $dir/body;
  server { listen 127.0.0.1:$port; $tls location / { return 204; } }
}
EOF
}
