#!/usr/bin/env bash
# Sets up, builds and runs orkest in the foreground with its default configuration
# (conf/orkest.yaml: API on http://127.0.0.1:3000, pods as podman containers).
# Arguments go to orkest, e.g. scripts/run.sh --config my.yaml
set -euo pipefail
cd "$(dirname "$0")/.."
ORKEST_TARGETS=orkest bash scripts/build.sh  # only what it runs: not the tests
bash scripts/build-example-images.sh
exec ./build/orkest "$@"
