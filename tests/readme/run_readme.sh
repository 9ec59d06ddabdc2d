#!/usr/bin/env bash
# run_readme.sh README LINKHOOK WORK_DIR: runs the shell commands of README.md against the built
# linkhook, so that the README cannot rot.
#
# Fenced blocks tagged `sh` run in order, each as one `bash -euo pipefail` script with a hard
# timeout, in WORK_DIR (so that later blocks see the files earlier ones wrote), with HOME, the
# store and the config there too. A command whose comment says `(exit N)` must exit N. `$URL` is
# a `linkhook listen` this script starts, and LINKHOOK_SECRET its secret. Blocks tagged
# `sh servers` hold commands that serve until interrupted: each must print its URL, then stop
# with exit 130 on SIGINT. Blocks tagged `sh norun` are not run (they build, install or
# benchmark); they are listed. Any other shell tag (bash, console, shell) is an error, so no
# command escapes by its tag. Exit 77 (skipped) where a tool the commands use is missing.
set -euo pipefail
readme=$(realpath "$1") linkhook=$(realpath "$2") work=$(realpath -m "$3")
for tool in curl jq man timeout; do
  command -v "$tool" >/dev/null || { echo "skipped: $tool is missing"; exit 77; }
done

rm -rf "$work"
mkdir -p "$work/blocks" "$work/run/home"
cd "$work/run"
export PATH="$(dirname "$linkhook"):$PATH" HOME="$work/run/home"
export XDG_CONFIG_HOME="$HOME/.config" XDG_STATE_HOME="$HOME/.local/state"
unset LINKHOOK_STORE
export LINKHOOK_SECRET=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw

# The endpoint that $URL names.
linkhook listen --port 0 --no-store --quiet >"$work/endpoint.out" 2>"$work/endpoint.err" &
endpoint=$!
trap 'kill "$endpoint" 2>/dev/null || true' EXIT
for _ in $(seq 200); do [ -s "$work/endpoint.out" ] && break; sleep 0.05; done
URL=$(head -n 1 "$work/endpoint.out")
[[ $URL == http://* ]] || { echo "the endpoint did not start: $(cat "$work/endpoint.err")"; exit 1; }
export URL

# Split README into blocks/N (the text) and blocks/N.tag (the fence's tag).
n=0 inside=0
while IFS= read -r line; do
  if [[ $line == '```'* ]]; then
    if ((inside)); then
      inside=0
    else
      inside=1 n=$((n + 1))
      printf '%s\n' "${line#'```'}" >"$work/blocks/$n.tag"
      : >"$work/blocks/$n"
    fi
  elif ((inside)); then
    printf '%s\n' "$line" >>"$work/blocks/$n"
  fi
done <"$readme"

failures=0 ran=0 servers=0 skipped=()
fail() {
  echo "FAIL: README block $1 ($(head -n 1 "$work/blocks/$1")): $2"
  failures=$((failures + 1))
}

# A command with `# ... (exit N)` in its comment: its status must be N.
expect_exits() {
  sed -E 's/^(.*[^ ]) +(# .*\(exit ([0-9]+)\).*)$/\1 \&\& status=0 || status=$?; [ "$status" -eq \3 ] \2/'
}

run_block() {
  expect_exits <"$work/blocks/$1" >"$work/blocks/$1.sh"
  if ! timeout 120 bash -euo pipefail "$work/blocks/$1.sh" >"$work/blocks/$1.log" 2>&1; then
    fail "$1" "$(tail -n 20 "$work/blocks/$1.log")"
  fi
  ran=$((ran + 1))
}

run_servers() {
  local command pid
  while IFS= read -r command; do
    [[ -z $command || $command == '#'* ]] && continue
    bash -c "exec $command" >"$work/server.out" 2>"$work/server.err" &
    pid=$!
    # Up to 30 s: on a machine busy with builds, a start has been seen to take over 10 s.
    for _ in $(seq 600); do [ -s "$work/server.out" ] && break; sleep 0.05; done
    if ! grep -q 'http://' "$work/server.out"; then
      fail "$1" "'$command' printed no URL: $(cat "$work/server.err")"
    fi
    kill -INT "$pid" 2>/dev/null || true
    # Never hang: a SIGINT that comes before linkhook takes over its signals is lost (bash starts
    # background commands with SIGINT ignored), and then only SIGKILL ends the server.
    if ! timeout 10 tail --pid="$pid" -f /dev/null; then
      kill -KILL "$pid" 2>/dev/null || true
      fail "$1" "'$command' did not stop within 10 s of SIGINT (stdout: $(head -c 200 "$work/server.out"))"
    fi
    local status=0
    wait "$pid" || status=$?
    [[ $status -eq 130 ]] || fail "$1" "'$command' exited $status on SIGINT, not 130"
    servers=$((servers + 1))
  done <"$work/blocks/$1"
}

for ((i = 1; i <= n; i++)); do
  tag=$(cat "$work/blocks/$i.tag")
  case "$tag" in
    sh) run_block "$i" ;;
    'sh servers') run_servers "$i" ;;
    'sh norun') skipped+=("$(head -n 1 "$work/blocks/$i")") ;;
    bash* | shell* | console* | sh*) fail "$i" "tag '$tag': use sh, sh servers or sh norun" ;;
  esac
done

echo "README: $ran blocks run, $servers servers started and stopped, ${#skipped[@]} blocks not run:"
printf '  %s\n' "${skipped[@]}"
if ((failures > 0)); then
  echo "$failures README blocks failed"
  exit 1
fi
