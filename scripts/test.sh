#!/usr/bin/env bash
# Sets up, builds and runs every test: unit and deterministic actor tests, the proxy engine,
# the podman adapter, integration and end-to-end tests against a real orkest with real podman.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
bash scripts/build-example-images.sh
cd build
ctest --output-on-failure --timeout 600 -j"$(nproc)" "$@"
