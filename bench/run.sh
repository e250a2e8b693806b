#!/usr/bin/env bash
# orkest's benchmarks against bare podman, HAProxy and Kubernetes' targets, in one command.
#
#   bench/run.sh [--quick] [--json FILE] [name...]
#
# names: podstart replicaset recovery api storage proxy footprint probes rollout cluster cluster-services (default: all). --quick uses fewer
# repetitions and smaller sizes (the whole run in under two minutes once things are built).
# Installs what it needs (wrk, haproxy, hyperfine from Debian; idempotent), builds orkest
# (build-bench/, RelWithDebInfo) unless ORKEST_BINARY names one, builds the backend image
# localhost/orkest-bench:latest offline, runs bench/bench.py and prints its table.
# Exit status 0 when every benchmark ran, whether or not it met its target.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CONTAINERS_CONF="${CONTAINERS_CONF:-$ROOT/conf/containers.conf}"

# --- what this needs, from Debian -----------------------------------------------------------
bash "$ROOT/scripts/setup.sh"
PACKAGES=(wrk haproxy hyperfine)
missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "bench: installing ${missing[*]}" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  # The haproxy package would start its own service: only our instances should run.
  $SUDO env RUNLEVEL=1 apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- orkest ---------------------------------------------------------------------------------
if [ -n "${ORKEST_BINARY:-}" ]; then
  [ -x "$ORKEST_BINARY" ] || { echo "bench: ORKEST_BINARY=$ORKEST_BINARY is not an executable" >&2; exit 1; }
  TOOLS="$(dirname "$ORKEST_BINARY")/bench-tools"
else
  BUILD="$ROOT/build-bench"
  if [ ! -f "$BUILD/CMakeCache.txt" ]; then
    cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  fi
  echo "bench: building orkest in $BUILD" >&2
  cmake --build "$BUILD" --target orkest -j"$(nproc)" >/dev/null
  ORKEST_BINARY="$BUILD/orkest"
  TOOLS="$BUILD/bench-tools"
fi

# --- the backend and the bulk client --------------------------------------------------------
mkdir -p "$TOOLS"
build_tool() {  # name flags...
  local name="$1"; shift
  if [ ! -x "$TOOLS/$name" ] || [ "$ROOT/bench/tools/$name.c" -nt "$TOOLS/$name" ]; then
    gcc -O2 -Wall -Wextra "$@" -o "$TOOLS/$name" "$ROOT/bench/tools/$name.c"
  fi
}
build_tool benchd -static
build_tool benchbulk -pthread

# localhost/orkest-bench:latest: FROM scratch + the static benchd; rebuilt when benchd changed.
IMAGE=localhost/orkest-bench:latest
hash="$(sha256sum "$TOOLS/benchd" "$ROOT/bench/run.sh" | sha256sum | cut -c1-16)"
current="$(podman image inspect --format '{{ index .Labels "io.orkest.context-hash" }}' "$IMAGE" 2>/dev/null || true)"
if [ "$current" != "$hash" ]; then
  ctx="$(mktemp -d)"
  cp "$TOOLS/benchd" "$ctx/benchd"
  printf 'FROM scratch\nCOPY benchd /benchd\nEXPOSE 8080\nENTRYPOINT ["/benchd"]\nCMD ["8080"]\n' >"$ctx/Containerfile"
  echo "bench: building $IMAGE" >&2
  previous="$(podman image inspect --format '{{.Id}}' "$IMAGE" 2>/dev/null || true)"
  podman build --quiet --layers=false --label "io.orkest.context-hash=$hash" --tag "$IMAGE" "$ctx" >/dev/null
  rm -rf "$ctx"
  if [ -n "$previous" ] && [ "$previous" != "$(podman image inspect --format '{{.Id}}' "$IMAGE")" ]; then
    podman rmi "$previous" >/dev/null 2>&1 || true
  fi
fi

# The probes benchmark's reference runs podman's healthcheck in the demo health image.
bash "$ROOT/scripts/build-example-images.sh" >/dev/null

# --- run, and clean up whatever is left however it ends -------------------------------------
STATE="$(mktemp -d /tmp/orkest-bench.XXXXXX)"
BENCH_PID=""
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [ -n "$BENCH_PID" ] && kill -0 "$BENCH_PID" 2>/dev/null; then
    kill -TERM "$BENCH_PID" 2>/dev/null || true
    for _ in $(seq 1 150); do kill -0 "$BENCH_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$BENCH_PID" 2>/dev/null || true
  fi
  # What bench.py recorded it started: processes, container labels, networks.
  if [ -f "$STATE/pids" ]; then
    while read -r pid; do
      kill -0 "$pid" 2>/dev/null && kill -TERM "$pid" 2>/dev/null || true
    done <"$STATE/pids"
    sleep 0.5
    while read -r pid; do
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    done <"$STATE/pids"
  fi
  if [ -f "$STATE/labels" ]; then
    while read -r label; do
      ids="$(podman ps -aq --filter "label=$label" 2>/dev/null || true)"
      [ -z "$ids" ] || podman rm -f -t 0 --ignore $ids >/dev/null 2>&1 || true
    done <"$STATE/labels"
  fi
  if [ -f "$STATE/networks" ]; then
    while read -r network; do
      podman network rm -f "$network" >/dev/null 2>&1 || true
    done <"$STATE/networks"
  fi
  if [ -f "$STATE/clusters" ]; then
    while read -r name net dir; do
      ORKEST_CLUSTER_NAME="$name" ORKEST_CLUSTER_NET="$net" ORKEST_CLUSTER_DIR="$dir" \
        bash "$ROOT/scripts/cluster.sh" down >/dev/null 2>&1 || true
    done <"$STATE/clusters"
  fi
  if [ "${BENCH_KEEP_STATE:-}" ]; then echo "bench: state kept in $STATE" >&2; else rm -rf "$STATE"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

python3 "$ROOT/bench/bench.py" --orkest "$ORKEST_BINARY" --tools "$TOOLS" --state-dir "$STATE" "$@" &
BENCH_PID=$!
wait "$BENCH_PID"
