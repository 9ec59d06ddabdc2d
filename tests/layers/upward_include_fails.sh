#!/usr/bin/env bash
# upward_include_fails.sh SOURCE_DIR: scripts/check-layers passes on the tree, and fails, naming
# the file, on a copy of src/ where a lower layer includes a higher one, a header names no folder,
# or a folder is no layer.
set -euo pipefail
source_dir=$1
check="$source_dir/scripts/check-layers"
"$check" "$source_dir" >/dev/null || { echo "FAIL: check-layers fails on the tree itself" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
expect_failure() { # FILE CONTENT MESSAGE
  rm -rf "$work/src" && cp -r "$source_dir/src" "$work/src"
  mkdir -p "$(dirname "$work/src/$1")" && printf '%s\n' "$2" >"$work/src/$1"
  if out=$("$check" "$work" 2>&1); then
    echo "FAIL: check-layers passed with src/$1 holding: $2" >&2
    exit 1
  fi
  grep -qF "$3" <<<"$out" || { echo "FAIL: expected '$3' in: $out" >&2; exit 1; }
}
expect_failure base/upward.cpp '#include "store/event_store.hpp"' \
  'base/upward.cpp:1: base/ includes store/event_store.hpp from the higher layer store/'
expect_failure net/flat.cpp '#include "text.hpp"' 'net/flat.cpp:1: #include "text.hpp" names no folder'
expect_failure extra/x.cpp '' 'src/extra/ is not a layer'
echo "check-layers refuses upward includes, flat includes and unknown folders"
