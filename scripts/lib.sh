# Shared by scripts/*: installs what the build needs and builds. Source it; do not run it.
# shellcheck shell=bash

LINKHOOK_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export LINKHOOK_ROOT

# The Debian packages the build and tests need.
LINKHOOK_PACKAGES=(cmake make g++ pkg-config libcli11-dev libcpp-httplib-dev nlohmann-json3-dev
  libssl-dev libfmt-dev doctest-dev libvalijson-dev rapidjson-dev openssl faketime)

# What the tests need besides: the .deb test packs with CPack (dpkg-shlibdeps is in dpkg-dev and
# uses file) and reads the man page (man-db, groff); the README test runs its commands (curl, jq);
# the completion tests run the scripts in bash, fish and zsh; the browser test drives Chromium;
# the schema tests run the JSON Schema Test Suite.
LINKHOOK_TEST_PACKAGES=(dpkg-dev file man-db groff-base curl jq fish zsh chromium
  json-schema-test-suite)

# How scripts/test configures build/: scripts/demo configures it the same way, so that the test
# run after a demo reuses every object the demo built instead of rebuilding with other flags.
LINKHOOK_BUILD_ARGS=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DLINKHOOK_WERROR=ON -DLINKHOOK_TESTS=ON)

say() { printf '==> %s\n' "$*" >&2; }
die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

# Installs the named Debian packages that are missing (all of LINKHOOK_PACKAGES by default):
# apt-get update first, as root or through sudo. Does nothing when all are present.
ensure_packages() {
  local wanted=("$@") missing=() pkg
  [ ${#wanted[@]} -gt 0 ] || wanted=("${LINKHOOK_PACKAGES[@]}")
  for pkg in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || die "need root or sudo to install: ${missing[*]}"
    sudo=(sudo)
  fi
  say "installing ${missing[*]}"
  "${sudo[@]}" apt-get update -qq || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null || die "apt-get install ${missing[*]} failed"
}

# ensure_browser_tests: Node.js and npm (Debian's, unless the machine has its own) and the browser
# test's npm packages (tests/browser: puppeteer-core, as its lock file pins it).
ensure_browser_tests() {
  command -v npm >/dev/null || ensure_packages nodejs npm
  [ -d "$LINKHOOK_ROOT/tests/browser/node_modules/puppeteer-core" ] && return 0
  say "installing the browser test's npm packages"
  (cd "$LINKHOOK_ROOT/tests/browser" && npm ci --no-audit --no-fund --loglevel=error) ||
    die "npm ci in tests/browser failed"
}

# build DIR [cmake args...] [-- targets...]: configures (once) and builds into DIR under the
# project root; all targets, or only those named after "--".
build() {
  local dir="$LINKHOOK_ROOT/$1" configure=() targets=()
  shift
  while [ $# -gt 0 ] && [ "$1" != -- ]; do
    configure+=("$1")
    shift
  done
  if [ $# -gt 0 ]; then
    shift
    targets=(--target "$@")
  fi
  say "building in ${dir#"$LINKHOOK_ROOT"/}"
  cmake -S "$LINKHOOK_ROOT" -B "$dir" "${configure[@]}" >/dev/null || die "cmake configure failed"
  cmake --build "$dir" -j "$(nproc)" "${targets[@]}" >&2 || die "build failed"
}

# free_port: prints a loopback port nothing listens on, below the ephemeral range (32768 and up
# here), where a load's own connections of an earlier run may still hold a port in TIME_WAIT.
free_port() {
  local port
  for ((port = 12000 + RANDOM % 20000; ; port++)); do
    (: <"/dev/tcp/127.0.0.1/$port") 2>/dev/null || {
      echo "$port"
      return
    }
  done
}
