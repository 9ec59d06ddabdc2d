#!/usr/bin/env bash
# check_deb.sh BUILD_DIR: builds the .deb with CPack and checks it as installed, by extracting it
# into a directory of the build tree (nothing outside the build tree changes): the binary is one
# file that runs every command, the man page is valid roff and renders, the bash completion
# completes. Exit 77 (skipped) where cpack or dpkg-deb is missing.
set -euo pipefail
build=$1
for tool in cpack dpkg-deb groff man; do
  command -v "$tool" >/dev/null || { echo "skipped: $tool is missing"; exit 77; }
done
out="$build/package"
cpack -G DEB -B "$out" --config "$build/CPackConfig.cmake" >/dev/null
deb=$(ls "$out"/linkhook_*.deb)
root=$(mktemp -d "$out/root.XXXXXX")
trap 'rm -rf "$root"' EXIT
dpkg-deb -x "$deb" "$root"
fail() { echo "FAIL: $*" >&2; exit 1; }

depends=$(dpkg-deb -f "$deb" Depends)
for dependency in libc6 libssl3 libstdc++6; do
  [[ $depends == *"$dependency "* ]] || fail "Depends lacks $dependency: $depends"
done

lh="$root/usr/bin/linkhook"
[[ $("$lh" --version) == "linkhook "* ]] || fail "--version"
"$lh" listen --help | grep -q -- '--port' || fail "listen --help"
[[ ! -e $root/usr/lib/linkhook ]] || fail "the .deb still installs a module beside the binary"

page="$root/usr/share/man/man1/linkhook.1.gz"
warnings=$(zcat "$page" | groff -man -ww -z 2>&1)
[[ -z $warnings ]] || fail "groff warns about the man page: $warnings"
MANWIDTH=80 man -l "$page" 2>/dev/null | grep -q 'linkhook generate' || fail "man -l $page"

[[ -f $root/usr/share/zsh/site-functions/_linkhook ]] || fail "zsh completion missing"
[[ -f $root/usr/share/fish/vendor_completions.d/linkhook.fish ]] || fail "fish completion missing"
completed=$(PATH="$root/usr/bin:$PATH" bash -c '
  source "$1/usr/share/bash-completion/completions/linkhook"
  COMP_WORDS=(linkhook generate link.c); COMP_CWORD=2; _linkhook; echo "${COMPREPLY[*]}"' _ "$root")
[[ $completed == "link.clicked link.created" ]] || fail "bash completion gave '$completed'"
echo "ok: $(basename "$deb") ($depends)"
