#!/usr/bin/env bash
# slow_listen.sh LINKHOOK WORK_DIR PAGE...: run_readme.sh against a linkhook whose `listen` starts
# late, as on a machine busy with builds. The runner must wait for each server's own URL, never
# one an earlier server left behind, and never signal a server before it listens.
set -euo pipefail
linkhook=$(realpath "$1") work=$(realpath -m "$2")
shift 2
mkdir -p "$work/bin"
cat >"$work/bin/linkhook" <<EOF
#!/usr/bin/env bash
if [ "\${1:-}" = listen ]; then sleep 0.3; fi
exec "$linkhook" "\$@"
EOF
chmod +x "$work/bin/linkhook"
exec bash "$(dirname "$0")/run_readme.sh" "$work/bin/linkhook" "$work/readme" "$@"
