#!/usr/bin/env bash
# CTest runs this: installs npm PACKAGES (one or more, space-separated, each NAME@VERSION) into
# WORK_DIR (under the build tree, never the source tree) and runs SCRIPT (a .js file beside this
# one) against the linkhook binary, with the packages on NODE_PATH.
# Usage: with-npm.sh PACKAGES SCRIPT LINKHOOK_BINARY WORK_DIR. Exits 77 (CTest's skip) without
# node.
set -euo pipefail
read -r -a packages <<<"$1"
script="$2" linkhook="$3" work="$4"
if ! command -v node >/dev/null; then
  echo "node is not installed: interop test skipped"
  exit 77
fi
for package in "${packages[@]}"; do
  if [ ! -f "$work/node_modules/${package%@*}/package.json" ]; then
    mkdir -p "$work"
    timeout 180 npm install --prefix "$work" --no-audit --no-fund --no-save --silent "${packages[@]}"
    break
  fi
done
NODE_PATH="$work/node_modules" exec node "$(dirname "$0")/$script" "$linkhook"
