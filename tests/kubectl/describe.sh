#!/usr/bin/env bash
# kubectl describe pod, rs and svc against a real orkest (runtime fake): the sections
# Kubernetes' describers print, filled in with the objects' Events, and no errors; kubectl get
# events (-A, -o wide, --field-selector, -w) and kubectl events --for.
#
# usage: tests/kubectl/describe.sh [path/to/orkest]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
kx_start "${1:-$KX_ROOT/build/orkest}"

# The Service's host port: below node ports (30000-32767) and the kernel's ephemeral ports
# (32768-60999), which a client connection elsewhere may hold at any moment.
PORT=$((24000 + $$ % 2000))
cat >"$WORK/app.yaml" <<YAML
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
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: localhost/health:latest
        ports:
        - containerPort: 5000
        env:
        - name: GREETING
          value: hello
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - port: $PORT
    targetPort: 5000
YAML
k apply -f "$WORK/app.yaml" >/dev/null
k wait --for=jsonpath='{.status.readyReplicas}'=2 rs/web --timeout=20s >/dev/null
# The Service controller publishes the Endpoints once it has seen both pods ready.
eventually 20 sh -c "kubectl get endpoints web -o jsonpath='{.subsets[*].addresses[*].ip}' | wc -w | grep -qx 2" \
  || fail "the Endpoints of web did not list both pods: $(k get endpoints web -o yaml; k get pods -o wide)"
pod="$(k get pods -l app=web -o name)"
pod="${pod%%$'\n'*}"
pod="${pod#pod/}"

say "kubectl describe pod $pod"
out="$(k describe pod "$pod" 2>&1)"
expect_match "$out" "^Name: +$pod\$" "pod Name"
expect_match "$out" '^Namespace: +default$' "pod Namespace"
expect_match "$out" "^Node: +$NODE/" "pod Node"
expect_match "$out" '^Status: +Running$' "pod Status"
expect_match "$out" '^IP: +[0-9.]+$' "pod IP"
expect_match "$out" '^Controlled By: +ReplicaSet/web$' "pod Controlled By"
expect_match "$out" '^    Image: +localhost/health:latest$' "pod container Image"
expect_match "$out" '^    Port: +5000/TCP$' "pod container Port"
expect_match "$out" '^    State: +Running$' "pod container State"
expect_match "$out" '^    Ready: +True$' "pod container Ready"
expect_match "$out" '^      GREETING: +hello$' "pod container Environment"
expect_match "$out" '^  Ready +True *$' "pod Ready condition"
expect_match "$out" '^Events:$' "pod Events"
expect_match "$out" "^  Normal +Scheduled +[0-9a-z]+ +default-scheduler +Successfully assigned default/$pod to $NODE\$" "pod Scheduled event"
expect_match "$out" '^  Normal +Created +[0-9a-z]+ +kubelet +Created container web$' "pod Created event"
expect_match "$out" '^  Normal +Started +[0-9a-z]+ +kubelet +Started container web$' "pod Started event"
expect_no_match "$out" '^(error|Error|Warning)' "pod describe errors"

say "kubectl describe rs web"
out="$(k describe rs web 2>&1)"
expect_match "$out" '^Name: +web$' "rs Name"
expect_match "$out" '^Selector: +app=web$' "rs Selector"
expect_match "$out" '^Replicas: +2 current / 2 desired$' "rs Replicas"
expect_match "$out" '^Pods Status: +2 Running / 0 Waiting / 0 Succeeded / 0 Failed$' "rs Pods Status"
expect_match "$out" '^Pod Template:$' "rs Pod Template"
expect_match "$out" '^  Normal +SuccessfulCreate +[0-9a-z]+ +replicaset-controller +Created pod: web-[a-z0-9]{5}$' "rs Events"
expect_no_match "$out" '^(error|Error|Warning)' "rs describe errors"

say "kubectl describe svc web"
out="$(k describe svc web 2>&1)"
expect_match "$out" '^Name: +web$' "svc Name"
expect_match "$out" '^Selector: +app=web$' "svc Selector"
expect_match "$out" '^Type: +ClusterIP$' "svc Type"
expect_match "$out" '^IP: +10\.97\.[0-9.]+$' "svc IP"
expect_match "$out" "^Port: +<unset> +$PORT/TCP\$" "svc Port"
expect_match "$out" '^TargetPort: +5000/TCP$' "svc TargetPort"
expect_match "$out" '^Endpoints: +[0-9.]+:5000,[0-9.]+:5000$' "svc Endpoints"
expect_match "$out" '^Events: +<none>$' "svc Events"
expect_no_match "$out" '^(error|Error|Warning)' "svc describe errors"

say "kubectl describe of everything (kubectl describe pods)"
out="$(k describe pods 2>&1)"
expect_eq "$(grep -c '^Name:' <<<"$out")" 2 "describe pods"

say "kubectl get events"
out="$(k get events 2>&1)"
expect_match "$out" '^LAST SEEN +TYPE +REASON +OBJECT +MESSAGE$' "get events header"
expect_match "$out" "^[0-9a-z]+ +Normal +Started +pod/$pod +Started container web\$" "get events: the pod's Started"
expect_match "$out" '^[0-9a-z]+ +Normal +SuccessfulCreate +replicaset/web +Created pod: web-' "get events: the rs's creations"
out="$(k get events -A -o wide 2>&1)"
expect_match "$out" '^NAMESPACE +LAST SEEN +TYPE +REASON +OBJECT +SUBOBJECT +SOURCE +MESSAGE +FIRST SEEN +COUNT +NAME$' "get events -A -o wide header"
expect_match "$out" "^default +[0-9a-z]+ +Normal +Started +pod/$pod +spec.containers\{web\} +kubelet, $NODE +Started container web +[0-9a-z]+ +1 +$pod\.[0-9a-f]+\$" "get events -A -o wide row"
out="$(k get events --field-selector "involvedObject.name=$pod,reason=Created" -o name 2>&1)"
expect_eq "$(wc -l <<<"$out")" 1 "get events --field-selector: $out"
out="$(k events --for "pod/$pod" 2>&1)"
expect_match "$out" '^LAST SEEN +TYPE +REASON +OBJECT +MESSAGE$' "kubectl events header"
expect_match "$out" "Normal +Started +Pod/$pod +Started container web\$" "kubectl events --for"
expect_no_match "$out" 'replicaset/web' "kubectl events --for shows only the pod's"

say "kubectl get events -w sees a new event as it happens"
k get events -w --field-selector reason=Killing >"$WORK/watch.out" 2>&1 &
watcher=$!
# No wait for the watch to start: an event from before it is in its initial list.
k delete pod "$pod" --wait=false >/dev/null
eventually 15 grep -q "Stopping container web" "$WORK/watch.out" \
  || fail "kubectl get events -w did not show the Killing event: $(cat "$WORK/watch.out")"
kill "$watcher" 2>/dev/null || true
wait "$watcher" 2>/dev/null || true

say "ok"
