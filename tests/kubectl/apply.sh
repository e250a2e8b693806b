#!/usr/bin/env bash
# kubectl apply (create, changed re-apply, unchanged), create, replace, delete -f, delete pod,
# label and annotate against a real orkest (runtime fake), with kubectl's default validation.
#
# usage: tests/kubectl/apply.sh [path/to/orkest]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
kx_start "${1:-$KX_ROOT/build/orkest}"

# The Service's host port: below node ports (30000-32767) and the kernel's ephemeral ports
# (32768-60999), which a client connection elsewhere may hold at any moment.
PORT=$((22000 + $$ % 2000))
write_manifests() {  # REPLICAS SERVICE_PORT POD_TIER IMAGE_TAG_ENV
  cat >"$WORK/app.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata:
  name: api
  labels:
    app: api
    tier: $3
spec:
  containers:
  - name: api
    image: localhost/health:latest
    env:
    - name: MODE
      value: fast
---
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: workers
spec:
  replicas: $1
  selector:
    matchLabels:
      app: workers
  template:
    metadata:
      labels:
        app: workers
    spec:
      containers:
      - name: worker
        image: localhost/health:latest
        env:
        - name: STAGE
          value: "$4"
---
apiVersion: v1
kind: Service
metadata:
  name: api
spec:
  selector:
    app: api
  ports:
  - name: http
    port: $2
    targetPort: 5000
YAML
}

say "kubectl apply -f (create), default validation"
write_manifests 2 "$PORT" back one
out="$(k apply -f "$WORK/app.yaml" 2>&1)"
expect_eq "$out" "$(printf 'pod/api created\nreplicaset.apps/workers created\nservice/api created')" "first apply"
annotation="$(k get rs workers -o jsonpath='{.metadata.annotations.kubectl\.kubernetes\.io/last-applied-configuration}')"
expect_match "$annotation" '"replicas":2' "last-applied annotation"

say "kubectl apply -f again, unchanged"
out="$(k apply -f "$WORK/app.yaml" 2>&1)"
expect_eq "$out" "$(printf 'pod/api unchanged\nreplicaset.apps/workers unchanged\nservice/api unchanged')" "unchanged apply"

say "kubectl apply -f with changes (strategic merge patches)"
write_manifests 3 $((PORT + 1)) front two
out="$(k apply -f "$WORK/app.yaml" 2>&1)"
expect_eq "$out" "$(printf 'pod/api configured\nreplicaset.apps/workers configured\nservice/api configured')" "changed apply"
expect_eq "$(k get pod api -o jsonpath='{.metadata.labels.tier}')" front "pod label changed"
expect_eq "$(k get pod api -o jsonpath='{.spec.containers[0].env[0].value}')" fast "pod env kept"
expect_eq "$(k get rs workers -o jsonpath='{.spec.replicas}')" 3 "rs replicas changed"
expect_eq "$(k get rs workers -o jsonpath='{.spec.template.spec.containers[0].env[0].value}')" two "rs template env changed"
expect_eq "$(k get svc api -o jsonpath='{.spec.ports[0].port}')" $((PORT + 1)) "svc port changed"
expect_eq "$(k get svc api -o jsonpath='{.spec.ports[*].name}')" http "svc ports merged by port, not appended"
k wait --for=jsonpath='{.status.replicas}'=3 rs/workers --timeout=20s >/dev/null

say "kubectl apply removes what the manifest no longer has"
sed -i '/^        env:$/,/^          value: "two"$/d' "$WORK/app.yaml"
out="$(k apply -f "$WORK/app.yaml" 2>&1)"
expect_match "$out" '^replicaset.apps/workers configured$' "apply without the template's env"
expect_eq "$(k get rs workers -o jsonpath='{.spec.template.spec.containers[0].env}')" "" "template env removed"
expect_eq "$(k get rs workers -o jsonpath='{.spec.template.spec.containers[0].image}')" localhost/health:latest \
  "the rest of the container kept"
# A pod's spec is immutable in orkest as in Kubernetes: removing its env is refused.
sed -i '/^    env:$/,/^      value: fast$/d' "$WORK/app.yaml"
out="$(k apply -f "$WORK/app.yaml" 2>&1 || true)"
expect_match "$out" 'Pod "api" is invalid: spec: Forbidden: pod updates may not change fields other than' \
  "apply of an immutable pod change"

say "a typo in a manifest is refused (server-side field validation)"
cat >"$WORK/typo.yaml" <<'YAML'
apiVersion: v1
kind: Pod
metadata:
  name: typo
spec:
  containers:
  - name: typo
    imagee: localhost/health:latest
YAML
out="$(k apply -f "$WORK/typo.yaml" 2>&1 || true)"
expect_match "$out" 'unknown field "spec.containers\[0\].imagee"' "strict field validation"
out="$(k get pod typo 2>&1 || true)"
expect_match "$out" 'NotFound' "a refused pod is not created"

say "kubectl create -f / replace -f / delete -f"
cat >"$WORK/extra.yaml" <<'YAML'
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: extra
spec:
  replicas: 1
  selector:
    matchLabels: {app: extra}
  template:
    metadata:
      labels: {app: extra}
    spec:
      containers:
      - name: extra
        image: localhost/health:latest
YAML
expect_eq "$(k create -f "$WORK/extra.yaml" 2>&1)" "replicaset.apps/extra created" "create -f"
out="$(k create -f "$WORK/extra.yaml" 2>&1 || true)"
expect_match "$out" 'Error from server \(AlreadyExists\).*"extra" already exists' "create -f twice"
sed -i 's/replicas: 1/replicas: 2/' "$WORK/extra.yaml"
expect_eq "$(k replace -f "$WORK/extra.yaml" 2>&1)" "replicaset.apps/extra replaced" "replace -f"
expect_eq "$(k get rs extra -o jsonpath='{.spec.replicas}')" 2 "replace -f took effect"
expect_eq "$(k delete -f "$WORK/extra.yaml" 2>&1)" 'replicaset.apps "extra" deleted' "delete -f"
out="$(k get rs extra 2>&1 || true)"
expect_match "$out" 'NotFound' "deleted rs is gone"

say "kubectl label / annotate"
expect_eq "$(k label pod api env=prod 2>&1)" "pod/api labeled" "label"
expect_eq "$(k get pod api -o jsonpath='{.metadata.labels.env}')" prod "label value"
out="$(k label pod api env=dev 2>&1 || true)"
expect_match "$out" "already has a value \\(prod\\)" "label without --overwrite"
expect_eq "$(k label pod api env=dev --overwrite 2>&1)" "pod/api labeled" "label --overwrite"
expect_eq "$(k label pod api env- 2>&1)" "pod/api unlabeled" "label removal"
expect_eq "$(k get pod api -o jsonpath='{.metadata.labels.env}')" "" "label removed"
expect_eq "$(k annotate rs workers owner=team-a 2>&1)" "replicaset.apps/workers annotated" "annotate"
expect_eq "$(k get rs workers -o jsonpath='{.metadata.annotations.owner}')" team-a "annotation value"
expect_eq "$(k label svc api managed=yes 2>&1)" "service/api labeled" "label svc"

say "a server-side dry run is refused, not performed"
out="$(k label pod api dry=run --dry-run=server 2>&1 || true)"
expect_match "$out" 'orkest does not support dry runs' "--dry-run=server"
expect_eq "$(k get pod api -o jsonpath='{.metadata.labels.dry}')" "" "nothing changed by the dry run"

say "kubectl delete pod NAME waits for the pod to be gone"
expect_eq "$(k delete pod api 2>&1)" 'pod "api" deleted' "delete pod"
out="$(k get pod api 2>&1 || true)"
expect_match "$out" 'NotFound' "deleted pod is gone"

say "kubectl delete -f (all kinds)"
out="$(k delete -f "$WORK/app.yaml" --ignore-not-found 2>&1)"
expect_match "$out" 'replicaset.apps "workers" deleted' "delete -f rs"
expect_match "$out" 'service "api" deleted' "delete -f svc"
k wait --for=delete pod -l app=workers --timeout=20s >/dev/null
expect_eq "$(k get pods --no-headers 2>&1)" "No resources found in default namespace." "everything deleted"

say "ok"
