#!/usr/bin/env bash
# End-to-end: the user's example (../shared/guide/mission.md) played verbatim with curl against
# a real orkest with real podman, then checked:
#   - ping's log shows successful calls through the Service ("status":"ok");
#   - on the host, curl http://localhost:2000/health answers;
#   - the replies come from more than one replica;
#   - PUT with "replicas": 5 yields 5 Running pods;
#   - a pod deleted by hand is replaced within 5 s while localhost:2000 keeps answering.
#
# usage: tests/e2e/user_example.sh [path/to/orkest]      (default: build/orkest)
#
# The script starts its own orkest with its own configuration (a free API port, its own node
# name, podman network, subnet, Service CIDR and DNS address) and on exit, whatever happened,
# stops it and removes the containers labelled with its node name and its network. The user's
# Service port 2000 must be free on the host. Every wait is bounded.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ORKEST="${1:-$ROOT/build/orkest}"
export CONTAINERS_CONF="$ROOT/conf/containers.conf"
SERVICE_PORT=2000

export LC_ALL=C
now_ms() { local t=$EPOCHREALTIME; echo $(( ${t/./} / 1000 )); }  # bash 5: no fork
T0=$(now_ms)
say() { local t=$(( $(now_ms) - T0 )); printf '[e2e %3d.%01ds] %s\n' $((t / 1000)) $((t % 1000 / 100)) "$*"; }
fail() {
  printf '[e2e] FAILED: %s\n' "$*" >&2
  exit 1
}

for tool in curl podman python3 flock ss; do
  command -v "$tool" >/dev/null || fail "$tool is not installed (scripts/setup.sh installs what orkest needs)"
done
[ -x "$ORKEST" ] || fail "no orkest binary at $ORKEST (build it first, or pass its path)"

# ---- preconditions ---------------------------------------------------------------------------
if [ -n "$(ss -Htln "sport = :$SERVICE_PORT")" ]; then
  fail "port $SERVICE_PORT is already in use on this host (the user's Service needs it): $(ss -Htlnp "sport = :$SERVICE_PORT")"
fi
if podman container exists orkest_default_ping; then
  fail "a container named orkest_default_ping already exists (another orkest's ping pod: $(podman ps -a \
--filter name=orkest_default_ping --format '{{.Labels}}')); the user's ping pod needs that name"
fi
bash "$ROOT/scripts/build-example-images.sh" >/dev/null

# ---- its own orkest --------------------------------------------------------------------------
WORK="$(mktemp -d /tmp/orkest-e2e-XXXXXX)"
NODE="e2e-$$"
NETWORK="orkest-e2e-$$"
ORKEST_PID=""
LOOP_PID=""
SLOT=""

cleanup() {
  local status=$?
  set +e
  if [ -n "$LOOP_PID" ]; then kill "$LOOP_PID" 2>/dev/null; wait "$LOOP_PID" 2>/dev/null; fi
  if [ "$status" -ne 0 ] && [ -n "${API:-}" ]; then
    echo "---- pods (name creationTimestamp deletionTimestamp phase podIP state) ----" >&2
    curl -sf --max-time 5 "$API/api/v1/namespaces/default/pods" | python3 -c '
import json, sys
for p in json.load(sys.stdin).get("items", []):
    m, s = p["metadata"], p.get("status", {})
    cs = (s.get("containerStatuses") or [{}])[0]
    print(m["name"], m.get("creationTimestamp"), m.get("deletionTimestamp", "-"), s.get("phase"), s.get("podIP", "-"),
          json.dumps(cs.get("state", {})))' >&2
  fi
  if [ -n "$ORKEST_PID" ]; then
    kill -TERM "$ORKEST_PID" 2>/dev/null
    for _ in $(seq 100); do kill -0 "$ORKEST_PID" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$ORKEST_PID" 2>/dev/null; then
      echo "[e2e] orkest did not end within 10 s of SIGTERM: SIGKILL" >&2
      kill -KILL "$ORKEST_PID" 2>/dev/null
    fi
    wait "$ORKEST_PID" 2>/dev/null
  fi
  if [ "$status" -ne 0 ] && [ -f "$WORK/orkest.log" ]; then
    echo "---- orkest log ($WORK/orkest.log) ----" >&2
    cat "$WORK/orkest.log" >&2
    echo "---- its containers ----" >&2
    podman ps -a --filter "label=io.orkest.node=$NODE" --format '{{.ID}} {{.Names}} {{.Status}}' >&2
    if podman container exists orkest_default_ping; then
      echo "---- ping's log (last 20 lines) ----" >&2
      podman logs --tail 20 orkest_default_ping >&2
    fi
    echo "----" >&2
  fi
  # Only this orkest's containers (labelled with its node name), its network, its addresses.
  local ids
  ids="$(podman ps -aq --filter "label=io.orkest.node=$NODE")"
  [ -z "$ids" ] || podman rm -f -t 0 $ids >/dev/null
  bash "$ROOT/scripts/remove-pod-network.sh" "$NETWORK"
  if [ -n "$SLOT" ]; then
    for address in $(ip -4 -o addr show dev lo | awk '{print $4}' | grep "^10\.96\.$((200 + SLOT))\."); do
      ip addr del "$address" dev lo
    done
  fi
  rm -rf "$WORK"
  return "$status"
}
trap cleanup EXIT

# A slot k: pod subnet 10.89.(200+k).0/24, Service CIDR 10.96.(200+k).0/24 with the cluster DNS
# at .10. The lock files are shared with the integration tests (tests/integration).
# Subnets of podman networks and of host routes (a bridge left behind) are skipped: podman
# refuses both.
USED_SUBNETS=" $(podman network ls --format '{{range .Subnets}}{{.Subnet}} {{end}}') $(ip -4 route show | awk '{printf "%s ", $1}') "
for i in $(seq 0 54); do
  k=$(( ($$ + i) % 55 ))
  [[ "$USED_SUBNETS" == *" 10.89.$((200 + k)).0/24 "* ]] && continue
  exec {LOCK_FD}>"/tmp/orkest-itest-slot-$k.lock"
  if flock -n "$LOCK_FD"; then SLOT=$k; break; fi
  exec {LOCK_FD}>&-
done
[ -n "$SLOT" ] || fail "no free test slot (subnets 10.89.200-254.0/24)"

mkdir -p "$WORK/manifests"
cat >"$WORK/orkest.yaml" <<EOF
# written by tests/e2e/user_example.sh
api:
  address: 127.0.0.1
  port: 0                   # any free port; read back from the log
log:
  level: debug
reconcile:
  periodSeconds: 2
runtime:
  kind: podman
  containersConf: $ROOT/conf/containers.conf
  network: $NETWORK
  subnet: 10.89.$((200 + SLOT)).0/24
cluster:
  nodeName: $NODE
  serviceCIDR: 10.96.$((200 + SLOT)).0/24
  dnsIP: 10.96.$((200 + SLOT)).10
services:
  hostAddress: 0.0.0.0
storage:
  dataDir: $WORK/data
bootstrap:
  manifests: $WORK/manifests
EOF

say "starting $ORKEST (node $NODE, network $NETWORK, subnet 10.89.$((200 + SLOT)).0/24)"
"$ORKEST" --config "$WORK/orkest.yaml" >"$WORK/orkest.log" 2>&1 &
ORKEST_PID=$!

API_PORT=""
for _ in $(seq 300); do
  kill -0 "$ORKEST_PID" 2>/dev/null || fail "orkest exited during start-up"
  API_PORT="$(sed -n 's|.*serves the Kubernetes API on http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$WORK/orkest.log" | head -1)"
  [ -n "$API_PORT" ] && [ "$API_PORT" != 0 ] && curl -sf -o /dev/null --max-time 2 "http://localhost:$API_PORT/readyz" && break
  API_PORT=""
  sleep 0.1
done
[ -n "$API_PORT" ] || fail "orkest did not become ready within 30 s"
API="http://localhost:$API_PORT"
say "orkest ready at $API"

# ---- helpers ---------------------------------------------------------------------------------
# Sends a request with a body from stdin; prints the HTTP status, keeps headers and body.
request() {  # method url
  curl -sS -X "$1" "$API$2" -H 'Content-Type: application/json' --data-binary @- \
    -D "$WORK/last.headers" -o "$WORK/last.body" -w '%{http_code}' --max-time 20
}
expect_status() {  # want got what
  [ "$2" = "$1" ] || fail "$3: HTTP $2 (want $1): $(cat "$WORK/last.body")"
}

# Pods matching a label selector, one line each: name phase podIP running(0/1) terminating(0/1)
pods() {  # selector
  curl -sf --max-time 5 "$API/api/v1/namespaces/default/pods?labelSelector=$1" | python3 -c '
import json, sys
text = sys.stdin.read()
for p in (json.loads(text).get("items", []) if text.strip() else []):
    s = p.get("status", {})
    cs = (s.get("containerStatuses") or [{}])[0]
    running = s.get("phase") == "Running" and bool(s.get("podIP")) and "running" in cs.get("state", {})
    print(p["metadata"]["name"], s.get("phase", "-"), s.get("podIP", "-"), int(running),
          int("deletionTimestamp" in p["metadata"]))'
}
running_pods() {  # selector: names of Running, not terminating pods
  pods "$1" | awk '$4 == 1 && $5 == 0 {print $1}'
}
wait_for() {  # seconds description command...
  local limit=$1 what=$2
  shift 2
  local deadline=$(( $(now_ms) + limit * 1000 ))
  until "$@"; do
    if (( $(now_ms) > deadline )); then
      fail "$what: not within ${limit}s"
    fi
    sleep 0.1
  done
}
count_running_health() { running_pods app%3Dhealth | wc -l; }
has_running_health() { [ "$(count_running_health)" -eq "$1" ]; }

# ---- the user's example, verbatim ------------------------------------------------------------
say "POST /api/apps/v1/namespaces/default/replicasets (health-replicaset, 3 replicas)"
code=$(request POST /api/apps/v1/namespaces/default/replicasets <<'EOF'
{
    "apiVersion": "apps/v1",
    "kind": "ReplicaSet",
    "metadata": {"name": "health-replicaset"},
    "spec": {
        "replicas": 3,
        "selector": {"name": "health"},
        "template": {
            "metadata": {"app": "health"},
            "spec": {"containers": [{"name": "health", "image": "health:latest"}]},
        }
    }
}
EOF
)
expect_status 201 "$code" "the user's ReplicaSet"

say "POST /api/v1/namespaces/default/pods (sic: the body is the Service)"
code=$(request POST /api/v1/namespaces/default/pods <<'EOF'
{
    "apiVersion": "v1",
    "kind": "Service",
    "metadata": {"name": "health-service"},
    "spec": {
        "selector": {"app": "health"},
        "ports": [{"protocol": "TCP", "port": 2000, "targetPort": 5000}],
        "type": "ClusterIP"
    }
}
EOF
)
expect_status 201 "$code" "the user's Service, POSTed to the pods URL"
grep -qi '^warning:' "$WORK/last.headers" || fail "no Warning header on the Service POSTed to the pods URL"
say "  created as a Service ($(grep -i '^warning:' "$WORK/last.headers" | tr -d '\r'))"

say "POST /api/v1/namespaces/default/pods (ping)"
code=$(request POST /api/v1/namespaces/default/pods <<'EOF'
{
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "ping"},
    "spec": {"containers": [{"name": "ping", "image": "ping:latest",
                             "env": {"HEALTH_SERVICE": "health-service:2000"}}]}
}
EOF
)
expect_status 201 "$code" "the user's ping pod"

# ---- checks ----------------------------------------------------------------------------------
wait_for 60 "3 Running health pods" has_running_health 3
say "3 health pods Running: $(running_pods app%3Dhealth | tr '\n' ' ')"
# The ReplicaSet counts its own pods although its selector (name=health) is not its labels.
rs_ready() {
  curl -sf --max-time 5 "$API/apis/apps/v1/namespaces/default/replicasets/health-replicaset" |
    python3 -c 'import json,sys; s=json.load(sys.stdin).get("status",{}); sys.exit(0 if s.get("replicas")==3 else 1)'
}
wait_for 10 "the ReplicaSet's status.replicas == 3" rs_ready

ping_ok() { podman logs orkest_default_ping 2>/dev/null | grep -q '"status":"ok"'; }
wait_for 60 "ping's log to show a successful call through health-service:2000" ping_ok
say "ping reaches the Service: $(podman logs orkest_default_ping 2>/dev/null | grep '"status":"ok"' | tail -1)"

host_ok() { curl -sf --max-time 3 "http://localhost:$SERVICE_PORT/health" | grep -q '"status":"ok"'; }
wait_for 10 "curl http://localhost:$SERVICE_PORT/health on the host" host_ok
say "host: curl localhost:$SERVICE_PORT/health -> $(curl -sf --max-time 3 "http://localhost:$SERVICE_PORT/health")"

: >"$WORK/replies"
for _ in $(seq 20); do
  curl -sf --max-time 3 "http://localhost:$SERVICE_PORT/health" >>"$WORK/replies" || fail "a call to localhost:$SERVICE_PORT/health failed"
done
replicas_seen="$(sed -n 's/.*"pod":"\([^"]*\)".*/\1/p' "$WORK/replies" | sort -u)"
[ "$(echo "$replicas_seen" | grep -c .)" -gt 1 ] || fail "20 replies all came from one replica: $replicas_seen"
for pod in $replicas_seen; do
  running_pods app%3Dhealth | grep -qx "$pod" || fail "a reply came from \"$pod\", not a Running health pod"
done
say "20 replies came from $(echo "$replicas_seen" | grep -c .) replicas: $(echo $replicas_seen)"

say "PUT /api/apps/v1/namespaces/default/replicasets/health-replicaset (\"replicas\": 5)"
code=$(request PUT /api/apps/v1/namespaces/default/replicasets/health-replicaset <<'EOF'
{
    "apiVersion": "apps/v1",
    "kind": "ReplicaSet",
    "metadata": {"name": "health-replicaset"},
    "spec": {
        "replicas": 5,
        "selector": {"name": "health"},
        "template": {
            "metadata": {"app": "health"},
            "spec": {"containers": [{"name": "health", "image": "health:latest"}]},
        }
    }
}
EOF
)
expect_status 200 "$code" "PUT with replicas 5"
wait_for 60 "5 Running health pods after PUT" has_running_health 5
say "5 health pods Running: $(running_pods app%3Dhealth | tr '\n' ' ')"

# A loop on the host keeps calling the Service while a pod is deleted by hand.
(
  while true; do
    if curl -sf --max-time 2 -o /dev/null "http://localhost:$SERVICE_PORT/health"; then r=ok; else r=fail; fi
    echo "$(now_ms) $r"
    sleep 0.1
  done
) >"$WORK/loop" 2>/dev/null &
LOOP_PID=$!
wait_for 5 "the host loop's first answers" grep -q ok "$WORK/loop"

ping_ok_lines() { podman logs orkest_default_ping 2>/dev/null | grep -c '"status":"ok"' || true; }
ping_ok_before=$(ping_ok_lines)
ping_lines_before=$(podman logs orkest_default_ping 2>/dev/null | wc -l)
before="$(running_pods app%3Dhealth)"
victim="$(echo "$before" | head -1)"
say "DELETE pod $victim (by hand)"
deleted_at=$(now_ms)
code=$(curl -sS -X DELETE "$API/api/v1/namespaces/default/pods/$victim" -o "$WORK/last.body" -w '%{http_code}' --max-time 20)
expect_status 200 "$code" "DELETE pod $victim"

replaced() {
  local now new
  now="$(running_pods app%3Dhealth)"
  new="$(comm -13 <(echo "$before" | sort) <(echo "$now" | sort))"
  [ -n "$new" ] && [ "$(echo "$now" | grep -c .)" -eq 5 ] && ! echo "$now" | grep -qx "$victim"
}
wait_for 5 "a Running replacement for $victim (5 Running pods again)" replaced
took=$(( $(now_ms) - deleted_at ))
say "replaced within $((took / 1000)).$((took % 1000 / 100)) s: $(running_pods app%3Dhealth | tr '\n' ' ')"

# Keep calling a little longer, until the deleted pod's object is gone too.
gone() { ! pods app%3Dhealth | awk '{print $1}' | grep -qx "$victim"; }
wait_for 40 "the deleted pod's object to disappear" gone
loop_until=$(( $(now_ms) + 3000 ))
until (( $(now_ms) > loop_until )); do sleep 0.2; done
kill "$LOOP_PID" 2>/dev/null; wait "$LOOP_PID" 2>/dev/null || true
LOOP_PID=""

total=$(grep -c . "$WORK/loop" || true)
early=$(awk -v t="$deleted_at" '$2 == "fail" && $1 >= t && $1 < t + 1000' "$WORK/loop" | wc -l)
late=$(awk -v t="$deleted_at" '$2 == "fail" && ($1 < t || $1 >= t + 1000)' "$WORK/loop" | wc -l)
say "host loop: $total calls, $early failed in the first second after the deletion, $late failed otherwise"
[ "$late" -eq 0 ] || fail "localhost:$SERVICE_PORT stopped answering: $late failed calls outside the first second"
# ping goes on reaching the Service through the deletion: counted lines, not a time window (on
# a loaded machine ping's loop falls behind). A call in flight to the deleted pod may fail, as
# in Kubernetes; later ones must succeed.
ping_goes_on() { [ "$(ping_ok_lines)" -ge $((ping_ok_before + 3)) ]; }
wait_for 15 "ping to keep reaching the Service after the deletion" ping_goes_on
ping_errors=$(podman logs orkest_default_ping 2>/dev/null | tail -n +$((ping_lines_before + 1)) | grep -c 'error:' || true)
say "ping: $(( $(ping_ok_lines) - ping_ok_before )) successful calls since the deletion, $ping_errors failed"

say "PASSED: the user's example works end to end"
