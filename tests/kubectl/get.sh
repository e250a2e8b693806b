#!/usr/bin/env bash
# kubectl version, api-resources and get (pods, rs, svc, endpoints) against a real orkest
# (runtime fake): the columns Kubernetes prints, -o wide/json/yaml/name, -A, -n, -l,
# --show-labels, one object by name.
#
# usage: tests/kubectl/get.sh [path/to/orkest]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
kx_start "${1:-$KX_ROOT/build/orkest}"

say "kubectl version"
out="$(k version 2>&1)"
expect_match "$out" '^Server Version: v1\.32\.' "kubectl version"

say "kubectl api-resources"
out="$(k api-resources 2>&1)"
expect_match "$out" '^NAME +SHORTNAMES +APIVERSION +NAMESPACED +KIND' "api-resources header"
expect_match "$out" '^pods +po +v1 +true +Pod$' "api-resources pods"
expect_match "$out" '^replicasets +rs +apps/v1 +true +ReplicaSet$' "api-resources replicasets"
expect_match "$out" '^services +svc +v1 +true +Service$' "api-resources services"
expect_match "$out" '^endpoints +ep +v1 +true +Endpoints$' "api-resources endpoints"
expect_match "$out" '^configmaps +cm +v1 +true +ConfigMap$' "api-resources configmaps"
expect_match "$out" '^secrets +v1 +true +Secret$' "api-resources secrets"
expect_no_match "$out" 'error|couldn.t' "api-resources errors"

say "nothing there yet"
out="$(k get pods 2>&1)"
expect_eq "$out" "No resources found in default namespace." "empty get pods"

# The Service's host port: below node ports (30000-32767) and the kernel's ephemeral ports
# (32768-60999), which a client connection elsewhere may hold at any moment.
PORT=$((20000 + $$ % 2000))
cat >"$WORK/objects.yaml" <<YAML
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web, tier: front}
    spec:
      containers:
      - name: web
        image: localhost/health:latest
---
apiVersion: v1
kind: Service
metadata:
  name: web-svc
spec:
  selector: {app: web}
  ports:
  - port: $PORT
    targetPort: 5000
---
apiVersion: v1
kind: Pod
metadata:
  name: solo
  labels: {app: solo}
spec:
  containers:
  - name: solo
    image: localhost/health:latest
YAML
k apply -f "$WORK/objects.yaml" >/dev/null
# A pod in another namespace, made first as Kubernetes asks.
k create namespace elsewhere >/dev/null || fail "create namespace elsewhere"
k run other --image=localhost/health:latest -n elsewhere --labels=app=other >/dev/null
k wait --for=jsonpath='{.status.readyReplicas}'=2 rs/web --timeout=20s >/dev/null
# The Service controller publishes the Endpoints once it has seen both pods ready.
eventually 20 sh -c "kubectl get endpoints web-svc -o jsonpath='{.subsets[*].addresses[*].ip}' | wc -w | grep -qx 2" \
  || fail "the Endpoints of web-svc did not list both pods"
k wait --for=condition=Ready pod/solo --timeout=20s >/dev/null
k wait --for=condition=Ready pod/other -n elsewhere --timeout=20s >/dev/null

say "kubectl get pods"
out="$(k get pods)"
expect_match "$(head -1 <<<"$out")" '^NAME +READY +STATUS +RESTARTS +AGE$' "get pods header"
expect_match "$out" '^web-[a-z0-9]{5} +1/1 +Running +0 +[0-9]+s$' "get pods web row"
expect_match "$out" '^solo +1/1 +Running +0 +[0-9]+s$' "get pods solo row"
expect_eq "$(wc -l <<<"$out")" 4 "get pods rows (header + 3)"
expect_no_match "$out" 'other' "get pods is namespaced"

say "kubectl get pods -o wide"
out="$(k get pods -o wide)"
expect_match "$(head -1 <<<"$out")" '^NAME +READY +STATUS +RESTARTS +AGE +IP +NODE +NOMINATED NODE +READINESS GATES$' \
  "get pods -o wide header"
expect_match "$out" "^solo +1/1 +Running +0 +[0-9]+s +[0-9.]+ +$NODE +<none> +<none>\$" "get pods -o wide row"

say "kubectl get pod solo (one object)"
out="$(k get pod solo)"
expect_eq "$(wc -l <<<"$out")" 2 "get pod solo lines"
expect_match "$out" '^solo +1/1 +Running' "get pod solo row"
out="$(k get pod nope 2>&1 || true)"
expect_match "$out" 'Error from server \(NotFound\): pods "nope" not found' "get missing pod"

say "kubectl get rs"
out="$(k get rs)"
expect_match "$(head -1 <<<"$out")" '^NAME +DESIRED +CURRENT +READY +AGE$' "get rs header"
expect_match "$out" '^web +2 +2 +2 +[0-9]+s$' "get rs row"
out="$(k get replicasets.apps -o wide)"
expect_match "$(head -1 <<<"$out")" '^NAME +DESIRED +CURRENT +READY +AGE +CONTAINERS +IMAGES +SELECTOR$' "get rs -o wide header"
expect_match "$out" '^web +2 +2 +2 +[0-9]+s +web +localhost/health:latest +app=web$' "get rs -o wide row"

say "kubectl get svc"
out="$(k get svc)"
expect_match "$(head -1 <<<"$out")" '^NAME +TYPE +CLUSTER-IP +EXTERNAL-IP +PORT\(S\) +AGE$' "get svc header"
expect_match "$out" "^web-svc +ClusterIP +10\\.97\\.[0-9]+\\.[0-9]+ +<none> +$PORT/TCP +[0-9]+s\$" "get svc row"
out="$(k get services -o wide)"
expect_match "$out" "^web-svc +ClusterIP +10\\.97\\.[0-9.]+ +<none> +$PORT/TCP +[0-9]+s +app=web\$" "get svc -o wide row"

say "kubectl get endpoints"
out="$(k get endpoints)"
expect_match "$(head -1 <<<"$out")" '^NAME +ENDPOINTS +AGE$' "get endpoints header"
expect_match "$out" '^web-svc +[0-9.]+:5000,[0-9.]+:5000 +[0-9]+s$' "get endpoints row"

say "kubectl get pods -A / -n / -l / --show-labels"
out="$(k get pods -A)"
expect_match "$(head -1 <<<"$out")" '^NAMESPACE +NAME +READY +STATUS +RESTARTS +AGE$' "get pods -A header"
expect_match "$out" '^elsewhere +other +1/1 +Running' "get pods -A other namespace"
expect_match "$out" '^default +solo +1/1 +Running' "get pods -A default namespace"
out="$(k get pods -n elsewhere)"
expect_match "$out" '^other +1/1 +Running' "get pods -n"
expect_eq "$(wc -l <<<"$out")" 2 "get pods -n rows"
out="$(k get pods -l app=web -o name | sort)"
expect_match "$out" '^pod/web-[a-z0-9]{5}$' "get pods -l -o name"
expect_eq "$(wc -l <<<"$out")" 2 "get pods -l rows"
out="$(k get pods -l 'app in (solo,other)' -A --no-headers)"
expect_eq "$(wc -l <<<"$out")" 2 "get pods -l set-based -A"
out="$(k get pod solo --show-labels)"
expect_match "$out" '^NAME +READY +STATUS +RESTARTS +AGE +LABELS$' "--show-labels header"
expect_match "$out" 'app=solo$' "--show-labels value"
out="$(k get rs -L app)"
expect_match "$out" '^NAME +DESIRED +CURRENT +READY +AGE +APP$' "-L header"
expect_match "$out" '^web +2 +2 +2 +[0-9]+s +web$' "-L value"

say "kubectl get -o json / yaml / name / jsonpath"
out="$(k get pods -o json)"
python3 - "$out" <<'PY' || fail "get pods -o json is not a List of 3 pods: $out"
import json, sys
doc = json.loads(sys.argv[1])
assert doc["kind"] == "List" and doc["apiVersion"] == "v1", doc.get("kind")
assert sorted(i["kind"] for i in doc["items"]) == ["Pod"] * 3
PY
out="$(k get svc web-svc -o yaml)"
expect_match "$out" '^kind: Service$' "get svc -o yaml kind"
expect_match "$out" "^  - port: $PORT\$" "get svc -o yaml port"
out="$(k get rs,svc -o name | sort)"
expect_eq "$out" "$(printf 'replicaset.apps/web\nservice/web-svc')" "get rs,svc -o name"
out="$(k get pod solo -o jsonpath='{.spec.nodeName}')"
expect_eq "$out" "$NODE" "jsonpath nodeName"
out="$(k get all --no-headers 2>&1 | wc -l)"
[ "$out" -ge 5 ] || fail "get all: expected pods, services and replicasets, got $out lines"

say "ok"
