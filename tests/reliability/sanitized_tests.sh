#!/usr/bin/env bash
# The sanitizer build variant: configures a separate build folder with -DORKEST_SANITIZE=ON
# (AddressSanitizer + UndefinedBehaviorSanitizer), builds the unit tests (model layer, actors,
# API handler), the control layer's and the proxy engine's tests, and runs them. Any sanitizer
# report fails the run.
#   tests/reliability/sanitized_tests.sh [BUILD_DIR]   (default: build-asan next to the sources)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="${1:-$ROOT/build-asan}"
JOBS="${ORKEST_SANITIZE_JOBS:-$(nproc)}"

# halt_on_error + abort make any finding fail the test binary; leaks are reported at exit.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1:abort_on_error=1:detect_stack_use_after_return=1:strict_string_checks=1}"
# ubsan.supp: one report inside CAF's own headers, explained there.
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:suppressions=$ROOT/tests/reliability/ubsan.supp}"

started=$(date +%s)
# -g1: the sanitizers' reports keep file and line; full debug info made this build a third slower.
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-g1 -DORKEST_SANITIZE=ON -DORKEST_FUZZ=OFF >/dev/null
cmake --build "$BUILD" -j"$JOBS" --target orkest_unit_tests orkest_control_tests orkest_volumes_tests orkest_netproxy_tests
built=$(date +%s)
echo "sanitized_tests: build took $((built - started)) s"

status=0
for binary in orkest_unit_tests orkest_control_tests orkest_volumes_tests orkest_netproxy_tests; do
  echo "sanitized_tests: running $binary"
  if ! "$BUILD/$binary" --gtest_brief=1; then
    echo "sanitized_tests: $binary FAILED under ASan/UBSan" >&2
    status=1
  fi
done
echo "sanitized_tests: tests took $(( $(date +%s) - built )) s"
exit $status
