#!/usr/bin/env bash
# Deployments with the real kubectl against a real orkest (runtime fake): apply, get deploy
# (columns), rollout status, set image, rollout history, rollout undo, scale, rollout
# pause/resume and restart, expose deploy, logs deploy/NAME, get all, and the ScalingReplicaSet
# events.
#
# usage: tests/kubectl/deployment.sh [path/to/orkest]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
kx_start "${1:-$KX_ROOT/build/orkest}"

# The images the pods run, distinct, on one line.
pod_images() { k get pods -l app=web -o jsonpath='{range .items[*]}{.spec.containers[0].image}{"\n"}{end}' | sort -u | tr '\n' ' '; }
images_are() { [ "$(pod_images)" = "$1 " ]; }

cat >"$WORK/deploy.yaml" <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: localhost/health:v1
YAML
say "kubectl apply -f deploy.yaml; kubectl rollout status"
expect_eq "$(k apply -f "$WORK/deploy.yaml")" "deployment.apps/web created" "apply"
out="$(k rollout status deploy/web --timeout=60s 2>&1)" || fail "rollout status: $out"
expect_match "$out" 'deployment "web" successfully rolled out' "rollout status"

say "kubectl get deploy,rs"
out="$(k get deploy web 2>&1)"
expect_match "$out" '^NAME +READY +UP-TO-DATE +AVAILABLE +AGE$' "get deploy header"
expect_match "$out" '^web +3/3 +3 +3 +[0-9a-z]+$' "get deploy row"
out="$(k get deploy web -o wide 2>&1)"
expect_match "$out" '^web +3/3 +3 +3 +[0-9a-z]+ +web +localhost/health:v1 +app=web$' "get deploy -o wide"
expect_match "$(k get rs 2>&1)" '^web-[a-z0-9]{10} +3 +3 +3 ' "the Deployment's ReplicaSet"

say "kubectl set image; rollout status; rollout history"
k set image deploy/web web=localhost/health:v2 >/dev/null
out="$(k rollout status deploy/web --timeout=60s 2>&1)" || fail "rollout status after set image: $out"
expect_match "$out" 'successfully rolled out' "rollout status after set image"
# The old pods are gone a moment later (each stops 300 ms after its deletion, once its Services
# have let it go); until then `get pods` lists them as terminating, as Kubernetes does.
eventually 20 images_are localhost/health:v2 \
  || fail "not every pod runs v2: $(k get pods -l app=web -o wide)"
out="$(k rollout history deploy/web 2>&1)"
expect_match "$out" '^1 +' "history revision 1"
expect_match "$out" '^2 +' "history revision 2"

say "kubectl rollout undo"
k rollout undo deploy/web >/dev/null || fail "rollout undo: $(k rollout undo deploy/web 2>&1)"
out="$(k rollout status deploy/web --timeout=60s 2>&1)" || fail "rollout status after undo: $out"
expect_eq "$(k get deploy web -o jsonpath='{.spec.template.spec.containers[0].image}')" "localhost/health:v1" "undo"
expect_eq "$(k get deploy web -o jsonpath='{.metadata.annotations.deployment\.kubernetes\.io/revision}')" "3" \
  "the undone template is revision 3"

say "kubectl scale deploy"
k scale deploy web --replicas=5 >/dev/null
eventually 30 sh -c "kubectl get deploy web -o jsonpath='{.status.availableReplicas}' | grep -qx 5" \
  || fail "scale: $(k get deploy web -o yaml)"

say "kubectl rollout pause/resume, restart"
k rollout pause deploy/web >/dev/null
k set image deploy/web web=localhost/health:v3 >/dev/null
# For three seconds (a rollout of the fake runtime takes well under one), no v3 pod appears.
for _ in 1 2 3 4 5 6; do
  expect_eq "$(pod_images)" "localhost/health:v1 " "paused: nothing rolls out"
  sleep 0.5
done
k rollout resume deploy/web >/dev/null
out="$(k rollout status deploy/web --timeout=60s 2>&1)" || fail "rollout status after resume: $out"
k rollout restart deploy/web >/dev/null
out="$(k rollout status deploy/web --timeout=60s 2>&1)" || fail "rollout status after restart: $out"
expect_match "$(k get deploy web -o jsonpath='{.spec.template.metadata.annotations}')" 'kubectl.kubernetes.io/restartedAt' \
  "restart annotates the template"

say "kubectl expose deploy"
# The Service's host port: below node ports (30000-32767) and the kernel's ephemeral ports
# (32768-60999), which a client connection elsewhere may hold at any moment.
PORT=$((26000 + $$ % 2000))
expect_eq "$(k expose deploy web --port "$PORT" --target-port 5000 2>&1)" "service/web exposed" "expose"
expect_eq "$(k get svc web -o jsonpath='{.spec.selector.app}')" "web" "the Service selects the Deployment's pods"

say "kubectl logs deploy/web; kubectl get all"
# The restart's old pods first finish terminating: kubectl picks the longest-ready pod, and a
# terminating pod's container is already removed while its object is still listed.
eventually 30 sh -c "[ \"\$(kubectl get pods -l app=web -o name | wc -l)\" = 5 ]" ||
  fail "the restart's old pods did not go: $(k get pods -l app=web 2>&1)"
expect_match "$(k logs deploy/web 2>&1)" '^fake runtime: container orkest_default_web-[a-z0-9]{10}-[a-z0-9]{5} has no output$' "logs deploy/web"
expect_match "$(k get all 2>&1)" '^deployment.apps/web +5/5 ' "get all lists the Deployment"

say "events"
out="$(k get events --field-selector involvedObject.kind=Deployment 2>&1)"
expect_match "$out" 'ScalingReplicaSet +deployment/web +Scaled up replica set web-[a-z0-9]{10} from 0 to ' "ScalingReplicaSet"

say "ok"
