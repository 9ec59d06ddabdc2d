#!/usr/bin/env bash
# every_case_runs.sh BUILD_DIR PREFIX TEST_BINARY: fails when CTest holds fewer tests under PREFIX
# than TEST_BINARY has doctest cases. doctest_discover_tests registers one CTest test per case,
# but CTest splits a name at ';', so a case named "a; b" would silently never run: a false green.
set -euo pipefail
build=$1 prefix=$2 binary=$3
cases=$("$binary" --count | sed -n 's/.*passing the current filters: \([0-9]*\).*/\1/p')
registered=$(ctest --test-dir "$build" -N -R "^${prefix}" | sed -n 's/^Total Tests: \([0-9]*\)$/\1/p')
if [[ -z $cases || -z $registered ]]; then
  echo "FAIL: could not count the cases of $binary ($cases) or the CTest tests ($registered)" >&2
  exit 1
fi
if ((cases != registered)); then
  echo "FAIL: $binary has $cases cases but CTest runs $registered under '$prefix'" >&2
  "$binary" --list-test-cases | grep ';' | sed 's/^/  a name with a semicolon: /' >&2 || true
  exit 1
fi
echo "$registered of $cases cases of $(basename "$binary") are CTest tests"
