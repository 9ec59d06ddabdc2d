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

# wait_for_url FILE PID: true once FILE holds a URL, false when PID exits first or 30 s pass (a
# start on a machine busy with builds has been seen to take over 10 s). FILE must be new, made
# before PID started: a file left by an earlier server would hold its URL before PID wrote one.
wait_for_url() {
  local _
  for _ in $(seq 600); do
    grep -q 'http://' "$1" && return 0
    kill -0 "$2" 2>/dev/null || break
    sleep 0.05
  done
  grep -q 'http://' "$1"
}

# The endpoint that $URL names.
: >"$work/endpoint.out"
linkhook listen --port 0 --no-store --quiet >"$work/endpoint.out" 2>"$work/endpoint.err" &
endpoint=$!
trap 'kill "$endpoint" 2>/dev/null || true' EXIT
wait_for_url "$work/endpoint.out" "$endpoint" ||
  { echo "the endpoint did not start: $(cat "$work/endpoint.err")"; exit 1; }
URL=$(head -n 1 "$work/endpoint.out")
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
  local command pid out err k=0
  while IFS= read -r command; do
    [[ -z $command || $command == '#'* ]] && continue
    # Output files of its own, made before it starts: the URL waited for is this server's.
    k=$((k + 1)) out="$work/blocks/$1.server$k.out" err="$work/blocks/$1.server$k.err"
    : >"$out"
    # Run as bash runs a background command: with SIGINT ignored, which linkhook must undo.
    bash -c "exec $command" >"$out" 2>"$err" &
    pid=$!
    if ! wait_for_url "$out" "$pid"; then
      fail "$1" "'$command' printed no URL within 30 s: $(cat "$err")"
    fi
    kill -INT "$pid" 2>/dev/null || true
    # Never hang: whatever happens, SIGKILL ends a server that SIGINT did not.
    if ! timeout 10 tail --pid="$pid" -f /dev/null; then
      kill -KILL "$pid" 2>/dev/null || true
      fail "$1" "'$command' did not stop within 10 s of SIGINT (stdout: $(head -c 200 "$out"))"
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
