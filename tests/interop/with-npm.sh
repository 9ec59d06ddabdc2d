#!/usr/bin/env bash
# CTest runs this: installs an npm PACKAGE into WORK_DIR (under the build tree, never the source
# tree) and runs SCRIPT (a .js file beside this one) against the linkhook binary, with the
# package on NODE_PATH.
# Usage: with-npm.sh PACKAGE SCRIPT LINKHOOK_BINARY WORK_DIR. Exits 77 (CTest's skip) without node.
set -euo pipefail
package="$1" script="$2" linkhook="$3" work="$4"
if ! command -v node >/dev/null; then
  echo "node is not installed: interop test skipped"
  exit 77
fi
if [ ! -f "$work/node_modules/${package%@*}/package.json" ]; then
  mkdir -p "$work"
  timeout 180 npm install --prefix "$work" --no-audit --no-fund --no-save --silent "$package"
fi
NODE_PATH="$work/node_modules" exec node "$(dirname "$0")/$script" "$linkhook"
