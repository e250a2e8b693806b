#!/usr/bin/env bash
# kubectl logs against a real orkest with real podman: a pod's output, --tail, --timestamps,
# -f following new lines until interrupted, --previous after a restart, and Kubernetes'
# errors for a container that has not started.
#
# usage: tests/kubectl/logs.sh [path/to/orkest]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bash "$KX_ROOT/scripts/build-example-images.sh" >/dev/null
KX_API_EXTRA="  maxLogFollows: 1"  # a second follow at once gets 429
kx_start "${1:-$KX_ROOT/build/orkest}" podman
NS="logs-$$"  # container names are orkest_<namespace>_<pod>: unique per test run
k create namespace "$NS" >/dev/null || fail "create namespace $NS"

cat >"$WORK/pod.yaml" <<'YAML'
apiVersion: v1
kind: Pod
metadata:
  name: talker
spec:
  containers:
  - name: talker
    image: localhost/health:latest
    command: ["/bin/sh", "-c"]
    args:
    - echo first line; echo second line; echo to stderr >&2; i=0;
      while true; do i=$((i+1)); echo tick $i; sleep 0.3; done
YAML
k apply -n "$NS" -f "$WORK/pod.yaml" >/dev/null
k wait -n "$NS" --for=condition=Ready pod/talker --timeout=60s >/dev/null
eventually 20 sh -c "kubectl logs -n '$NS' talker | grep -q 'tick 2'" || fail "no ticks in the log"

say "kubectl logs"
out="$(k logs -n "$NS" talker)"
expect_eq "$(head -2 <<<"$out")" "$(printf 'first line\nsecond line')" "first lines"
# podman logs writes the container's stderr through its own stderr: in the log, not in order.
expect_match "$out" '^to stderr$' "stderr is part of the log"
expect_match "$out" '^tick [0-9]+$' "ticks"

say "kubectl logs --tail / --timestamps / --limit-bytes"
out="$(k logs -n "$NS" talker --tail=2)"
expect_eq "$(wc -l <<<"$out")" 2 "--tail=2 lines"
expect_match "$out" '^tick [0-9]+$' "--tail content"
out="$(k logs -n "$NS" talker --timestamps | sed -n 1p)"
expect_match "$out" '^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:.]+([+-][0-9:]+|Z) first line$' "--timestamps"
expect_eq "$(k logs -n "$NS" talker --limit-bytes=5)" "first" "--limit-bytes"

say "kubectl logs -f follows new output"
# kubectl itself in the background (not through the k function: $! must be its pid).
kubectl logs -n "$NS" talker -f --tail=1 >"$WORK/follow.out" 2>&1 &
follow_pid=$!
KX_BACKGROUND+=($follow_pid)
eventually 10 grep -q '^tick' "$WORK/follow.out" || fail "kubectl logs -f printed nothing: $(cat "$WORK/follow.out")"
first="$(sed -n 's/^tick //p' "$WORK/follow.out" | sed -n 1p)"
want=$((first + 3))
eventually 10 grep -q "^tick $want\$" "$WORK/follow.out" || fail "kubectl logs -f did not follow: $(cat "$WORK/follow.out")"
kill -0 "$follow_pid" 2>/dev/null || fail "kubectl logs -f ended while the container runs"
# Each follow holds a thread and a podman child: past api.maxLogFollows a follow is refused.
code="$(curl -s -o "$WORK/second-follow.out" -w '%{http_code}' --max-time 10 "$API/api/v1/namespaces/$NS/pods/talker/log?follow=true")"
expect_eq "$code" 429 "a second follow with maxLogFollows 1"
expect_match "$(cat "$WORK/second-follow.out")" '"reason": *"TooManyRequests"' "the refusal is a Status"
pgrep -P "$ORKEST_PID" -f -- 'logs --follow' >/dev/null || fail "no podman logs --follow child while following"
kill "$follow_pid"
wait "$follow_pid" 2>/dev/null || true
# The client left: orkest stops its podman logs --follow child.
eventually 5 sh -c "! pgrep -P '$ORKEST_PID' -f -- 'logs --follow' >/dev/null" \
  || fail "podman logs --follow still runs after the client left"

say "kubectl logs --previous"
out="$(k logs -n "$NS" talker --previous 2>&1 || true)"
expect_match "$out" 'previous terminated container "talker" in pod "talker" not found' "--previous before a restart"
cat >"$WORK/crasher.yaml" <<'YAML'
apiVersion: v1
kind: Pod
metadata:
  name: crasher
spec:
  containers:
  - name: crasher
    image: localhost/health:latest
    command: ["/bin/sh", "-c", "echo run at $(date +%s%N); sleep 1; exit 3"]
YAML
k apply -n "$NS" -f "$WORK/crasher.yaml" >/dev/null
k wait -n "$NS" --for=jsonpath='{.status.containerStatuses[0].restartCount}'=1 pod/crasher --timeout=60s >/dev/null
eventually 20 sh -c "kubectl logs -n '$NS' crasher --previous | grep -q '^run at'" || fail "--previous shows nothing"
out="$(k logs -n "$NS" crasher --previous)"
expect_eq "$(grep -c '^run at' <<<"$out")" 1 "--previous shows one run"

say "a container that cannot start has no logs"
cat >"$WORK/broken.yaml" <<'YAML'
apiVersion: v1
kind: Pod
metadata:
  name: broken
spec:
  containers:
  - name: broken
    image: localhost/does-not-exist:latest
    imagePullPolicy: Never
YAML
k apply -n "$NS" -f "$WORK/broken.yaml" >/dev/null
eventually 30 sh -c "kubectl get pod -n '$NS' broken -o jsonpath='{.status.containerStatuses[0].state.waiting.reason}' | grep -q ErrImageNeverPull" \
  || fail "the broken pod did not report ErrImageNeverPull"
out="$(k logs -n "$NS" broken 2>&1 || true)"
expect_match "$out" 'container "broken" in pod "broken" is waiting to start: trying and failing to pull image' "waiting container"
out="$(k logs -n "$NS" talker -c nope 2>&1 || true)"
expect_match "$out" 'container nope is not valid for pod talker' "unknown container"

k delete -n "$NS" pod talker crasher broken --grace-period=1 --timeout=60s >/dev/null
say "ok"
