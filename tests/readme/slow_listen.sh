#!/usr/bin/env bash
# slow_listen.sh README LINKHOOK WORK_DIR: run_readme.sh against a linkhook whose `listen` starts
# late, as on a machine busy with builds. The runner must wait for each server's own URL, never
# one an earlier server left behind, and never signal a server before it listens.
set -euo pipefail
linkhook=$(realpath "$2") work=$(realpath -m "$3")
mkdir -p "$work/bin"
cat >"$work/bin/linkhook" <<EOF
#!/usr/bin/env bash
if [ "\${1:-}" = listen ]; then sleep 0.3; fi
exec "$linkhook" "\$@"
EOF
chmod +x "$work/bin/linkhook"
exec bash "$(dirname "$0")/run_readme.sh" "$1" "$work/bin/linkhook" "$work/readme"
