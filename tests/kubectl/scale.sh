#!/usr/bin/env bash
# kubectl scale rs and the /scale subresource (GET, PUT, PATCH as merge, strategic merge and
# JSON patch) against a real orkest (runtime fake).
#
# usage: tests/kubectl/scale.sh [path/to/orkest]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
kx_start "${1:-$KX_ROOT/build/orkest}"

cat >"$WORK/rs.yaml" <<'YAML'
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: localhost/health:latest
YAML
k apply -f "$WORK/rs.yaml" >/dev/null
k wait --for=jsonpath='{.status.replicas}'=1 rs/web --timeout=20s >/dev/null

SCALE=/apis/apps/v1/namespaces/default/replicasets/web/scale
say "GET $SCALE"
out="$(k get --raw "$SCALE")"
python3 - "$out" <<'PY' || fail "GET scale: $out"
import json, sys
scale = json.loads(sys.argv[1])
assert scale["kind"] == "Scale" and scale["apiVersion"] == "autoscaling/v1", scale
assert scale["metadata"]["name"] == "web" and scale["metadata"]["namespace"] == "default", scale
assert scale["spec"] == {"replicas": 1}, scale
assert scale["status"] == {"replicas": 1, "selector": "app=web"}, scale
PY

say "kubectl scale rs web --replicas=4"
expect_eq "$(k scale rs web --replicas=4 2>&1)" "replicaset.apps/web scaled" "kubectl scale"
expect_eq "$(k get rs web -o jsonpath='{.spec.replicas}')" 4 "spec.replicas after scale"
k wait --for=jsonpath='{.status.replicas}'=4 rs/web --timeout=20s >/dev/null
expect_eq "$(k get pods -l app=web --no-headers | wc -l)" 4 "pods after scale"

say "kubectl scale with --current-replicas"
out="$(k scale rs web --current-replicas=3 --replicas=2 2>&1 || true)"
expect_match "$out" 'Expected replicas to be 3, was 4' "precondition mismatch"
expect_eq "$(k scale rs/web --current-replicas=4 --replicas=2 2>&1)" "replicaset.apps/web scaled" "precondition match"
k wait --for=jsonpath='{.status.replicas}'=2 rs/web --timeout=20s >/dev/null

say "PATCH scale: merge, strategic merge, JSON patch"
out="$(k patch rs web --subresource=scale --type=merge -p '{"spec":{"replicas":3}}' 2>&1)"
expect_eq "$out" "scale.autoscaling/web patched" "merge patch of scale"
expect_eq "$(k get rs web -o jsonpath='{.spec.replicas}')" 3 "after merge patch"
out="$(k patch rs web --subresource=scale --type=strategic -p '{"spec":{"replicas":5}}' 2>&1)"
expect_eq "$out" "scale.autoscaling/web patched" "strategic patch of scale"
expect_eq "$(k get rs web -o jsonpath='{.spec.replicas}')" 5 "after strategic patch"
out="$(k patch rs web --subresource=scale --type=json -p '[{"op":"replace","path":"/spec/replicas","value":2}]' 2>&1)"
expect_eq "$out" "scale.autoscaling/web patched" "JSON patch of scale"
expect_eq "$(k get rs web -o jsonpath='{.spec.replicas}')" 2 "after JSON patch"
out="$(k get rs web --subresource=scale -o jsonpath='{.kind} {.spec.replicas}')"
expect_eq "$out" "Scale 2" "kubectl get --subresource=scale"

say "PUT scale"
version="$(k get rs web -o jsonpath='{.metadata.resourceVersion}')"
cat >"$WORK/scale.json" <<JSON
{"apiVersion":"autoscaling/v1","kind":"Scale","metadata":{"name":"web","namespace":"default"},"spec":{"replicas":1}}
JSON
out="$(k replace --raw "$SCALE" -f "$WORK/scale.json")"
expect_match "$out" '"replicas":1' "PUT scale answer"
expect_eq "$(k get rs web -o jsonpath='{.spec.replicas}')" 1 "after PUT"
cat >"$WORK/stale.json" <<JSON
{"apiVersion":"autoscaling/v1","kind":"Scale","metadata":{"name":"web","resourceVersion":"$version"},"spec":{"replicas":6}}
JSON
out="$(k replace --raw "$SCALE" -f "$WORK/stale.json" 2>&1 || true)"
expect_match "$out" 'Conflict|the object has been modified' "PUT with a stale resourceVersion"
echo '{"spec":{"replicas":-1}}' >"$WORK/negative.json"
out="$(k replace --raw "$SCALE" -f "$WORK/negative.json" 2>&1 || true)"
expect_match "$out" 'must be greater than or equal to 0' "negative replicas"
k wait --for=jsonpath='{.status.replicas}'=1 rs/web --timeout=20s >/dev/null

say "scale of a missing ReplicaSet"
out="$(k scale rs nope --replicas=2 2>&1 || true)"
expect_match "$out" 'NotFound|not found' "scale of a missing rs"

say "ok"
