#!/usr/bin/env bash
# The sanitizer build variant: configures a separate build folder with -DORKEST_SANITIZE=ON
# (AddressSanitizer + UndefinedBehaviorSanitizer), builds the tests of the layers that handle
# bytes and memory by hand (the model's JSON, YAML and protobuf decoding and validation, the
# store and its SQLite backend, control, volumes, the proxy engine, DNS, the prober) and runs
# them. Any sanitizer report fails the run. The CAF actors above them are left out: their state
# is owned by CAF's reference-counted handles, and building them again doubled CI's build time.
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
binaries=(orkest_model_tests orkest_store_tests orkest_control_tests orkest_volumes_tests orkest_netproxy_tests orkest_dns_tests orkest_probe_tests)
cmake --build "$BUILD" -j"$JOBS" $(printf -- '--target %s ' "${binaries[@]}")
built=$(date +%s)
echo "sanitized_tests: build took $((built - started)) s"

status=0
for binary in "${binaries[@]}"; do
  echo "sanitized_tests: running $binary"
  if ! "$BUILD/$binary" --gtest_brief=1; then
    echo "sanitized_tests: $binary FAILED under ASan/UBSan" >&2
    status=1
  fi
done
echo "sanitized_tests: tests took $(( $(date +%s) - built )) s"
exit $status
