# Shared by the kubectl tests: starts a private orkest, points the real kubectl at it through a
# kubeconfig printed by `orkest --print-kubeconfig`, and cleans up whatever happens.
#
#   source "$(dirname "$0")/lib.sh"
#   kx_start ORKEST_BINARY [fake|podman]    # sets WORK, API, NODE, ORKEST_PID, KUBECONFIG
#   k get pods                              # kubectl with that kubeconfig and a request timeout
#   expect_match "$output" 'regex' "what"   # assertions print what they saw on failure
#
# Every wait is bounded; on exit orkest is stopped by its pid (TERM, then KILL after 10 s),
# and with podman the containers labelled io.orkest.node=$NODE and the network are removed.
set -Eeuo pipefail
export LC_ALL=C
# Say which command failed: set -e alone ends a test without a word.
trap 'kx_status=$?; echo "[${KX_NAME:-kubectl}] FAILED: \"$BASH_COMMAND\" exited with $kx_status (line $LINENO)" >&2' ERR

KX_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
KX_NAME="$(basename "$0" .sh)"
WORK=""
ORKEST_PID=""
NODE=""
NETWORK=""
API=""
KX_RUNTIME=fake
KX_SLOT=""
KX_BACKGROUND=()  # pids of helpers the test started (watches); stopped on exit

say() { printf '[%s] %s\n' "$KX_NAME" "$*"; }
fail() {
  printf '[%s] FAILED: %s\n' "$KX_NAME" "$*" >&2
  exit 1
}

# Stops the helpers the test started in the background (KX_BACKGROUND).
kx_stop_background() {
  for pid in "${KX_BACKGROUND[@]}"; do
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  KX_BACKGROUND=()
}

kx_cleanup() {
  local status=$?
  set +e
  trap - ERR
  kx_stop_background
  if [ -n "$ORKEST_PID" ]; then
    kill -TERM "$ORKEST_PID" 2>/dev/null
    for _ in $(seq 100); do kill -0 "$ORKEST_PID" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$ORKEST_PID" 2>/dev/null; then
      echo "[$KX_NAME] orkest did not end within 10 s of SIGTERM: SIGKILL" >&2
      kill -KILL "$ORKEST_PID" 2>/dev/null
      status=1
    fi
    wait "$ORKEST_PID" 2>/dev/null
  fi
  if [ "$status" -ne 0 ] && [ -n "$WORK" ] && [ -f "$WORK/orkest.log" ]; then
    echo "---- orkest log (last 60 lines) ----" >&2
    tail -n 60 "$WORK/orkest.log" >&2
    echo "----" >&2
  fi
  if [ "$KX_RUNTIME" = podman ] && [ -n "$NODE" ]; then
    local ids
    ids="$(podman ps -aq --filter "label=io.orkest.node=$NODE" 2>/dev/null)"
    [ -z "$ids" ] || podman rm -f -t 0 $ids >/dev/null 2>&1
    bash "$KX_ROOT/scripts/remove-pod-network.sh" "$NETWORK" >/dev/null 2>&1
  fi
  [ -n "$WORK" ] && rm -rf "$WORK"
  return "$status"
}
trap kx_cleanup EXIT

# kx_start ORKEST [fake|podman]
kx_start() {
  local orkest="$1"
  KX_RUNTIME="${2:-fake}"
  [ -x "$orkest" ] || fail "no orkest binary at $orkest"
  command -v kubectl >/dev/null || fail "kubectl is not installed"
  WORK="$(mktemp -d "/tmp/orkest-$KX_NAME-XXXXXX")"
  NODE="kx-$$"
  NETWORK="orkest-kx-$$"
  local runtime_block cluster_block
  if [ "$KX_RUNTIME" = podman ]; then
    command -v podman >/dev/null || fail "podman is not installed"
    export CONTAINERS_CONF="$KX_ROOT/conf/containers.conf"
    # A slot k: pod subnet 10.89.(200+k).0/24, Service CIDR 10.96.(200+k).0/24, the same lock
    # files as the integration and e2e tests so no two instances share addresses.
    local used k
    # Subnets of podman networks and of host routes (a bridge left behind): podman refuses both.
    used=" $(podman network ls --format '{{range .Subnets}}{{.Subnet}} {{end}}') $(ip -4 route show | awk '{printf "%s ", $1}') "
    for i in $(seq 0 54); do
      k=$(( ($$ + i) % 55 ))
      [[ "$used" == *" 10.89.$((200 + k)).0/24 "* ]] && continue
      exec {KX_LOCK_FD}>"/tmp/orkest-itest-slot-$k.lock"
      if flock -n "$KX_LOCK_FD"; then KX_SLOT=$k; break; fi
      exec {KX_LOCK_FD}>&-
    done
    [ -n "$KX_SLOT" ] || fail "no free test slot (subnets 10.89.200-254.0/24)"
    runtime_block="  kind: podman
  containersConf: $KX_ROOT/conf/containers.conf
  network: $NETWORK
  subnet: 10.89.$((200 + KX_SLOT)).0/24"
    cluster_block="  serviceCIDR: 10.96.$((200 + KX_SLOT)).0/24"
  else
    runtime_block="  kind: fake"
    cluster_block="  serviceCIDR: 10.97.0.0/16"
  fi
  cat >"$WORK/orkest.yaml" <<YAML
# written by tests/kubectl/$KX_NAME.sh
api:
  address: 127.0.0.1
  port: 0
${KX_API_EXTRA:-}
log:
  level: ${KX_LOG_LEVEL:-info}
reconcile:
  periodSeconds: 1
runtime:
$runtime_block
cluster:
  nodeName: $NODE
$cluster_block
  dnsIP: ""
services:
  hostAddress: 127.0.0.1
  clusterIPsOnLoopback: false
storage:
  dataDir: $WORK/data
bootstrap:
  manifests: ""
YAML
  # A script's own configuration sections, when it defines kx_extra_config (it may use $WORK).
  if declare -F kx_extra_config >/dev/null; then kx_extra_config >>"$WORK/orkest.yaml"; fi
  : >"$WORK/orkest.log"  # exists before the background job opens it, for the reads below
  "$orkest" --config "$WORK/orkest.yaml" >>"$WORK/orkest.log" 2>&1 &
  ORKEST_PID=$!
  local port=""
  for _ in $(seq 400); do
    kill -0 "$ORKEST_PID" 2>/dev/null || fail "orkest exited during start-up: $(cat "$WORK/orkest.log")"
    port="$(sed -n 's|.*serves the Kubernetes API on http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$WORK/orkest.log" | sed -n 1p)"
    [ -n "$port" ] && [ "$port" != 0 ] && break
    sleep 0.05
  done
  [ -n "$port" ] && [ "$port" != 0 ] || fail "orkest did not report its API port within 20 s"
  API="http://127.0.0.1:$port"
  # The kubeconfig orkest prints for this configuration (with the port it got).
  sed "s/^  port: 0$/  port: $port/" "$WORK/orkest.yaml" >"$WORK/orkest-port.yaml"
  "$orkest" --config "$WORK/orkest-port.yaml" --print-kubeconfig >"$WORK/kubeconfig"
  export KUBECONFIG="$WORK/kubeconfig"
  say "orkest (pid $ORKEST_PID, runtime $KX_RUNTIME, node $NODE) serves $API"
}

# kubectl against this orkest; no request waits more than 20 s.
k() { kubectl --request-timeout=20s "$@"; }

expect_match() {  # TEXT REGEX WHAT
  grep -Eq -- "$2" <<<"$1" || fail "$3: expected /$2/ in:
$1"
}
expect_no_match() {  # TEXT REGEX WHAT
  if grep -Eq -- "$2" <<<"$1"; then fail "$3: did not expect /$2/ in:
$1"; fi
}
expect_eq() {  # ACTUAL EXPECTED WHAT
  [ "$1" = "$2" ] || fail "$3: expected [$2], got [$1]"
}

# Runs COMMAND until it succeeds, at most SECONDS (for states kubectl cannot wait for).
eventually() {  # SECONDS COMMAND...
  local seconds="$1"
  shift
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}
