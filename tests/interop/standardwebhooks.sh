#!/usr/bin/env bash
# CTest runs this: installs the npm package standardwebhooks into WORK_DIR (under the build tree,
# never the source tree) and runs standardwebhooks.js against the linkhook binary.
# Usage: standardwebhooks.sh LINKHOOK_BINARY WORK_DIR. Exits 77 (CTest's skip) without node.
set -euo pipefail
linkhook="$1" work="$2"
if ! command -v node >/dev/null; then
  echo "node is not installed: interop test skipped"
  exit 77
fi
package="standardwebhooks@1.1.1"
if [ ! -f "$work/node_modules/standardwebhooks/package.json" ]; then
  mkdir -p "$work"
  timeout 180 npm install --prefix "$work" --no-audit --no-fund --no-save --silent "$package"
fi
NODE_PATH="$work/node_modules" exec node "$(dirname "$0")/standardwebhooks.js" "$linkhook"
