#!/usr/bin/env bash
# run_readme.sh LINKHOOK WORK_DIR PAGE...: runs the shell commands of each Markdown PAGE (README.md
# and doc/*.md) against the built linkhook, so that the documentation cannot rot.
#
# Each page runs in a fresh directory of its own under WORK_DIR, with HOME, the store and the
# config there too, so that a page's examples work when read from its top. Its fenced blocks
# tagged `sh` run in order, each as one `bash -euo pipefail` script with a hard timeout, in that
# directory (so that later blocks see the files earlier ones wrote). A command whose comment says `(exit N)` must exit N. `$URL` is
# a `linkhook listen` this script starts, and LINKHOOK_SECRET its secret. Blocks tagged
# `sh servers` hold commands that serve until interrupted: each must print its URL, then stop
# with exit 130 on SIGINT. Blocks tagged `sh norun` are not run (they build, install or
# benchmark); they are listed. Any other shell tag (bash, console, shell) is an error, so no
# command escapes by its tag. A relative link to a file that does not exist, or to a heading
# (#anchor) its page lacks, is an error too, and so is a path of the repository in backquotes
# (`src/net/server.cpp`) that names nothing: files move, and their mentions must follow. Exit 77 (skipped) where a tool the commands use is
# missing.
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: run_readme.sh LINKHOOK WORK_DIR PAGE..." >&2; exit 2; }
linkhook=$(realpath "$1") work=$(realpath -m "$2")
shift 2
pages=()
for page in "$@"; do pages+=("$(realpath "$page")"); done
root=$(dirname "${pages[0]}") # pages are named from the first one's directory
for tool in curl jq man timeout; do
  command -v "$tool" >/dev/null || { echo "skipped: $tool is missing"; exit 77; }
done

rm -rf "$work"
mkdir -p "$work"
export PATH="$(dirname "$linkhook"):$PATH"
unset LINKHOOK_STORE
export LINKHOOK_SECRET=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw

# use_home DIR: DIR/run, with a home of its own, becomes where the commands run.
use_home() {
  mkdir -p "$1/run/home"
  cd "$1/run"
  export HOME="$1/run/home"
  export XDG_CONFIG_HOME="$HOME/.config" XDG_STATE_HOME="$HOME/.local/state"
}

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
use_home "$work/endpoint"
: >"$work/endpoint.out"
linkhook listen --port 0 --no-store --quiet >"$work/endpoint.out" 2>"$work/endpoint.err" &
endpoint=$!
trap 'kill "$endpoint" 2>/dev/null || true' EXIT
wait_for_url "$work/endpoint.out" "$endpoint" ||
  { echo "the endpoint did not start: $(cat "$work/endpoint.err")"; exit 1; }
URL=$(head -n 1 "$work/endpoint.out")
export URL


failures=0 page_name='' blocks=''
fail() {
  echo "FAIL: $page_name block $1 ($(head -n 1 "$blocks/$1")): $2"
  failures=$((failures + 1))
}

# split_blocks PAGE: its fenced blocks into $blocks/N (the text) and $blocks/N.tag (the fence's
# tag); prints N.
split_blocks() {
  local n=0 inside=0 line
  while IFS= read -r line; do
    if [[ $line == '```'* ]]; then
      if ((inside)); then
        inside=0
      else
        inside=1 n=$((n + 1))
        printf '%s\n' "${line#'```'}" >"$blocks/$n.tag"
        : >"$blocks/$n"
      fi
    elif ((inside)); then
      printf '%s\n' "$line" >>"$blocks/$n"
    fi
  done <"$1"
  echo "$n"
}

# outside_blocks PAGE: its lines that are not inside a fenced block.
outside_blocks() {
  awk '/^```/ { fenced = !fenced; next } !fenced' "$1"
}

# anchors PAGE: the anchor of each heading, as GitHub makes it (lower case, punctuation dropped,
# spaces as hyphens).
anchors() {
  outside_blocks "$1" | sed -n 's/^#\{1,6\} \+//p' | tr '[:upper:]' '[:lower:]' |
    sed 's/[^a-z0-9 _-]//g; s/ /-/g'
}

# check_links PAGE: every relative link names a file that exists and, after '#', a heading of it.
check_links() {
  local target path anchor
  while IFS= read -r target; do
    [[ $target =~ ^[a-z]+: ]] && continue # http:, https:, mailto:
    path=${target%%#*} anchor=''
    [[ $target == *'#'* ]] && anchor=${target#*#}
    if [ -z "$path" ]; then
      path=$1
    else
      path="$(dirname "$1")/$path"
    fi
    if [ ! -e "$path" ]; then
      echo "FAIL: $page_name links to $target, which does not exist"
      failures=$((failures + 1))
    elif [ -n "$anchor" ] && ! anchors "$path" | grep -qxF -- "$anchor"; then
      echo "FAIL: $page_name links to $target, but ${path##*/} has no such heading"
      failures=$((failures + 1))
    fi
  done < <(outside_blocks "$1" | grep -oE '\]\([^)]*\)' | sed 's/^](//; s/)$//')
}

# check_paths PAGE: every `src/...`, `commands/...` (and the like) in its text exists in the
# repository; a path with a placeholder in it (NAME, <name>, *) is a pattern, not checked.
check_paths() {
  local path pattern='[<*]|NAME'
  while IFS= read -r path; do
    [[ $path =~ $pattern ]] && continue
    [ -e "$root/$path" ] && continue
    echo "FAIL: $page_name names $path, which is not in the repository"
    failures=$((failures + 1))
  done < <(outside_blocks "$1" |
    grep -oE '`(src|commands|tests|scripts|bench|fixtures|completions|cmake|doc)/[^` ]*`' | tr -d '`' | sort -u)
}

# A command with `# ... (exit N)` in its comment: its status must be N.
expect_exits() {
  sed -E 's/^(.*[^ ]) +(# .*\(exit ([0-9]+)\).*)$/\1 \&\& status=0 || status=$?; [ "$status" -eq \3 ] \2/'
}

run_block() {
  expect_exits <"$blocks/$1" >"$blocks/$1.sh"
  if ! timeout 120 bash -euo pipefail "$blocks/$1.sh" >"$blocks/$1.log" 2>&1; then
    fail "$1" "$(tail -n 20 "$blocks/$1.log")"
  fi
  ran=$((ran + 1))
}

run_servers() {
  local command pid out err k=0
  while IFS= read -r command; do
    [[ -z $command || $command == '#'* ]] && continue
    # Output files of its own, made before it starts: the URL waited for is this server's.
    k=$((k + 1)) out="$blocks/$1.server$k.out" err="$blocks/$1.server$k.err"
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
  done <"$blocks/$1"
}

# run_page K PAGE: PAGE's blocks in order, in a fresh directory of their own (K keeps pages of
# one name apart).
run_page() {
  local page=$2 dir n i tag ran=0 servers=0 skipped=()
  page_name=${page#"$root/"} # README.md, doc/manual.md
  dir="$work/$1-${page##*/}" blocks="$work/$1-${page##*/}/blocks"
  mkdir -p "$blocks"
  use_home "$dir"
  check_links "$page"
  check_paths "$page"
  n=$(split_blocks "$page")
  for ((i = 1; i <= n; i++)); do
    tag=$(cat "$blocks/$i.tag")
    case "$tag" in
      sh) run_block "$i" ;;
      'sh servers') run_servers "$i" ;;
      'sh norun') skipped+=("$(head -n 1 "$blocks/$i")") ;;
      bash* | shell* | console* | sh*) fail "$i" "tag '$tag': use sh, sh servers or sh norun" ;;
    esac
  done
  echo "$page_name: $ran blocks run, $servers servers started and stopped, ${#skipped[@]} blocks not run:"
  printf '  %s\n' "${skipped[@]}"
}

for k in "${!pages[@]}"; do
  run_page "$k" "${pages[$k]}"
done
if ((failures > 0)); then
  echo "$failures documentation blocks or links failed"
  exit 1
fi
