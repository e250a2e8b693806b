#!/usr/bin/env bash
# A simulated cluster of three machines (scripts/cluster.sh: network namespaces on a bridge,
# podman storage of their own; node1 the server, node2 and node3 agents), driven with the real
# kubectl over HTTPS with the join token:
# - a wrong token is refused (401), an agent presenting one does not join;
# - a Deployment's pods spread over the nodes; a pod on node1 reaches a pod on node3 by its IP,
#   and is seen there with its own address (routes between the nodes' podCIDRs, no NAT);
# - kubectl logs (and -f) of a pod on an agent's node, which the server reads from that agent;
# - a pod asking more cpu than any node has stays Pending, saying so per node;
# - cordon + drain moves a node's pods to the others;
# - a machine lost (its agent and containers SIGKILLed, its link cut): its Node turns Unknown
#   and its pods run again on the others; brought back, it rejoins and removes their stale
#   containers.
# Everything the cluster made is removed on exit, whatever happened.
#
# usage: tests/cluster/three_nodes.sh [path/to/orkest]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cluster_test orkt 10.250.1 "${1:-$KX_ROOT/build/orkest}"

# The pods of app=web as "name ip node" lines, Running ones only.
running_pods() {
  k get pods -l app=web --field-selector status.phase=Running \
    -o jsonpath='{range .items[*]}{.metadata.name} {.status.podIP} {.spec.nodeName}{"\n"}{end}'
}
count_running_on() {  # NODE...: how many app=web pods run on these nodes
  local pattern
  pattern="$(IFS='|'; echo "$*")"
  running_pods | grep -Ec " ($pattern)$" || true
}
container_of() { echo "orkest_default_$1"; }

say "three machines"
cluster up 3
expect_match "$(k get nodes 2>&1)" '^node3 +Ready +<none>' "the agents' nodes"

say "a wrong token is refused"
source <(cluster env)
status="$(curl -s -o /dev/null -w '%{http_code}' --cacert "$ORKEST_CA" -H 'Authorization: Bearer wrong' "$ORKEST_SERVER/api/v1/nodes")"
expect_eq "$status" 401 "a request with a wrong token"
refused="$(timeout 30 "$ORKEST_BINARY" agent --server "$ORKEST_SERVER" --token wrong --ca-cert "$ORKEST_CA" \
  --node-name intruder 2>&1 || true)"
expect_match "$refused" 'cannot join .*401' "an agent with a wrong token"
expect_no_match "$(k get nodes 2>&1)" 'intruder' "the refused agent's node"

say "pods spread over the nodes"
k apply -f - >/dev/null <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 6
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: web, image: localhost/health:latest, resources: {requests: {cpu: 50m}}}
EOF
eventually 60 bash -c "[ \"\$(kubectl get pods -l app=web --field-selector status.phase=Running -o name | wc -l)\" = 6 ] &&
  [ -z \"\$(kubectl get pods -l app=web --field-selector status.phase!=Running -o name)\" ]" ||
  fail "6 pods not Running: $(k get pods -o wide 2>&1)"
for node in node1 node2 node3; do
  [ "$(count_running_on "$node")" -ge 1 ] || fail "no pod on $node: $(running_pods)"
done

say "a pod on node1 reaches a pod on node3 by IP, with its own address"
read -r from_pod from_ip _ <<<"$(running_pods | grep ' node1$' | head -1)"
read -r to_pod to_ip _ <<<"$(running_pods | grep ' node3$' | head -1)"
expect_match "$(cluster exec node1 ip route)" "^10\.42\.[0-9]+\.0/24 via 10\.250\.1\.13 dev eth0 proto 79" "node1's route to node3"
answer="$(cluster exec node1 podman exec "$(container_of "$from_pod")" \
  sh -c "printf 'GET /health HTTP/1.0\r\n\r\n' | nc -w 5 $to_ip 5000")"
expect_match "$answer" "\"pod\":\"$to_pod\"" "node3's pod answering node1's"
cluster exec node3 podman exec -d "$(container_of "$to_pod")" sh -c 'nc -l -p 6000 >/dev/null' >/dev/null
cluster exec node1 podman exec -d "$(container_of "$from_pod")" sh -c "sleep 5 | nc $to_ip 6000" >/dev/null
eventually 10 bash -c "bash '$KX_ROOT/scripts/cluster.sh' exec node3 podman exec '$(container_of "$to_pod")' netstat -tn |
  grep -q ':6000 .*$from_ip:'" || fail "node3's pod did not see node1's pod's own address $from_ip: $(
  cluster exec node3 podman exec "$(container_of "$to_pod")" netstat -tn)"

say "kubectl logs of a pod on an agent's node, read from its agent"
expect_match "$(k logs "$to_pod" 2>&1)" "listening on port 5000 as pod $to_pod" "the log of node3's pod"
expect_match "$(timeout 5 kubectl logs -f "$to_pod" 2>&1 || true)" "listening on port 5000 as pod $to_pod" \
  "the followed log of node3's pod"

say "a pod no node fits stays Pending, saying why"
k run big --image=localhost/health:latest --restart=Never --overrides='{"spec":{"containers":[{"name":"big","image":"localhost/health:latest","resources":{"requests":{"cpu":"1000"}}}]}}' >/dev/null
eventually 15 bash -c "kubectl get events --field-selector involvedObject.name=big,reason=FailedScheduling -o name | grep -q ." ||
  fail "no FailedScheduling event for big: $(k get events 2>&1)"
expect_match "$(k get pod big -o jsonpath='{.status.phase} {.status.conditions[0].message}')" \
  '^Pending 0/3 nodes are available: 3 Insufficient cpu' "the unschedulable pod's condition"
k delete pod big --wait=false >/dev/null

say "cordon + drain moves node2's pods"
k drain node2 --ignore-daemonsets --timeout=60s >/dev/null 2>&1 || fail "drain node2: $(k get pods -o wide 2>&1)"
expect_match "$(k get node node2 2>&1)" 'Ready,SchedulingDisabled' "node2 cordoned"
eventually 60 bash -c "[ \"\$(kubectl get pods -l app=web --field-selector status.phase=Running,spec.nodeName!=node2 -o name | wc -l)\" = 6 ]" ||
  fail "the drained pods did not run elsewhere: $(k get pods -o wide 2>&1)"
expect_eq "$(count_running_on node2)" 0 "pods left on the drained node"
k uncordon node2 >/dev/null

say "a machine lost: its node turns Unknown, its pods run elsewhere"
lost=$(count_running_on node3)
[ "$lost" -ge 1 ] || fail "no pod on node3 to lose: $(running_pods)"
stale="$(running_pods | awk '$3 == "node3" {print $1}')"
killed_at=$SECONDS
cluster kill node3
eventually 20 bash -c "kubectl get node node3 -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}' | grep -qx Unknown" ||
  fail "node3 not Unknown 20 s after its loss: $(k get nodes 2>&1)"
say "node3 Unknown after about $((SECONDS - killed_at)) s"
expect_match "$(k get node node3 -o jsonpath='{.spec.taints[*].key}')" 'node\.kubernetes\.io/unreachable' "the unreachable taint"
eventually 60 bash -c "[ \"\$(kubectl get pods -l app=web --field-selector status.phase=Running,spec.nodeName!=node3 -o name | wc -l)\" = 6 ]" ||
  fail "node3's pods did not run again elsewhere: $(k get pods -o wide 2>&1)"
say "6 pods Running on node1 and node2 after about $((SECONDS - killed_at)) s"

say "the machine back: it rejoins and removes its stale containers"
cluster start node3
for pod in $stale; do
  eventually 30 bash -c "! bash '$KX_ROOT/scripts/cluster.sh' exec node3 podman container exists '$(container_of "$pod")'" ||
    fail "node3 kept the stale container of $pod: $(cluster exec node3 podman ps -a 2>&1)"
done
expect_match "$(k get node node3 2>&1)" '^node3 +Ready ' "node3 Ready again"
say "passed"
