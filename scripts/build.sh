#!/usr/bin/env bash
# Installs what is missing, then configures and builds orkest and its tests in ./build
# (or $ORKEST_BUILD_DIR). Extra arguments go to cmake's configure step. With ORKEST_TARGETS
# set (e.g. "orkest"), only those targets are built.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
build_dir="${ORKEST_BUILD_DIR:-build}"
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
targets=()
for target in ${ORKEST_TARGETS:-}; do targets+=(--target "$target"); done
cmake --build "$build_dir" -j"$(nproc)" "${targets[@]}"
