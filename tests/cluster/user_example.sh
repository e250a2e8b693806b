#!/usr/bin/env bash
# The user's example, its bodies verbatim with curl, on a simulated cluster of three machines
# (scripts/cluster.sh) with the health pods on other nodes than ping's (cordons place them):
# - ping's log shows answers through health-service:2000 from the health pods on the others;
# - every node answers at the Service's port (curl <node>:2000/health), from pods on all nodes;
# - NodePort and LoadBalancer Services answer at their node port on every node's address, the
#   LoadBalancer's ingress lists the nodes, a node port another Service has is refused (422);
# - externalTrafficPolicy Local: a node port answers from that node's pods only, seen from the
#   client's own address; a node without pods answers nothing there; the cluster IP still
#   reaches every pod; the LoadBalancer's ingress lists only the nodes with pods;
# - a Service port taken on one node is a FailedToBindPort Event from that node and its
#   node2/PortsBound=False condition in the Service's status, the others serve it;
# - sessionAffinity ClientIP keeps one client on one pod;
# - a Service created later resolves inside running pods on every node at once;
# - a Service without a selector answers on every node from the Endpoints written for it;
# - ping on an agent's node reaches the Service by name too;
# - a node lost under 20 requests/s through another node's Service port: none fails later than
#   10 s after the loss;
# - a deleted node's PortsBound condition leaves the Services' status;
# - with the server killed too, the last node still resolves names and serves the Service.
# Everything the cluster made is removed on exit, whatever happened.
#
# usage: tests/cluster/user_example.sh [path/to/orkest]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cluster_test orku 10.250.4 "${1:-$KX_ROOT/build/orkest}"

# request METHOD PATH < BODY: the user's request, with the cluster's CA and token; prints the code.
request() {
  curl -s -o "$ORKEST_CLUSTER_DIR/last.body" -w '%{http_code}' --max-time 10 --cacert "$ORKEST_CA" \
    -H "Authorization: Bearer $ORKEST_TOKEN" -H 'Content-Type: application/json' -X "$1" "$ORKEST_SERVER$2" --data-binary @-
}
node_of() { k get pod "$1" -o jsonpath='{.spec.nodeName}'; }

say "three machines"
cluster up 3
source <(cluster env)

say "the health pods and the Service, with node1 cordoned"
k cordon node1 >/dev/null
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
expect_eq "$code" 201 "the user's ReplicaSet"
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
expect_eq "$code" 201 "the user's Service, POSTed to the pods URL"
eventually 60 bash -c "[ \"\$(kubectl get pods -l app=health --field-selector status.phase=Running -o name | wc -l)\" = 3 ]" ||
  fail "3 health pods not Running: $(k get pods -o wide 2>&1)"
health_nodes="$(k get pods -l app=health -o jsonpath='{range .items[*]}{.spec.nodeName}{"\n"}{end}' | sort -u | tr '\n' ' ')"
expect_no_match "$health_nodes" 'node1' "health pods on the cordoned node1"

say "ping on node1, the others cordoned"
k uncordon node1 >/dev/null
k cordon node2 >/dev/null
k cordon node3 >/dev/null
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
expect_eq "$code" 201 "the user's ping pod"
eventually 30 bash -c '[ "$(kubectl get pod ping -o jsonpath={.status.phase})" = Running ]' || fail "ping not Running"
expect_eq "$(node_of ping)" node1 "ping's node"
eventually 30 bash -c "kubectl logs ping | grep -q '\"status\":\"ok\"'" ||
  fail "ping's log shows no answer through health-service:2000: $(k logs ping 2>&1 | tail -5)"
say "ping reaches the Service: $(k logs ping | grep '"status":"ok"' | tail -1)"

say "every node answers at the Service's port, from pods on all nodes"
source <(cluster env)
for i in 1 2 3; do
  : >"$ORKEST_CLUSTER_DIR/replies"
  for _ in $(seq 12); do
    curl -sf --max-time 3 "http://${ORKEST_CLUSTER_NET}.1$i:2000/health" >>"$ORKEST_CLUSTER_DIR/replies" ||
      fail "a call to node$i:2000/health failed"
    echo >>"$ORKEST_CLUSTER_DIR/replies"
  done
  seen="$(sed -n 's/.*"pod":"\([^"]*\)".*/\1/p' "$ORKEST_CLUSTER_DIR/replies" | sort -u)"
  [ "$(echo "$seen" | grep -c .)" = 3 ] || fail "node$i's replies came from $(echo $seen), not all 3 health pods"
done

say "NodePort and LoadBalancer Services answer on every node's address"
k create service nodeport health-np --tcp=8081:5000 >/dev/null
k create service loadbalancer health-lb --tcp=8082:5000 >/dev/null
k patch service health-np -p '{"spec":{"selector":{"app":"health"}}}' >/dev/null
k patch service health-lb -p '{"spec":{"selector":{"app":"health"}}}' >/dev/null
node_port="$(k get service health-np -o jsonpath='{.spec.ports[0].nodePort}')"
[[ "$node_port" =~ ^3[0-9]{4}$ ]] && ((node_port <= 32767)) || fail "health-np's nodePort $node_port is not from 30000-32767"
lb_port="$(k get service health-lb -o jsonpath='{.spec.ports[0].nodePort}')"
for i in 1 2 3; do
  for port in "$node_port" "$lb_port"; do
    eventually 5 bash -c "curl -sf --max-time 2 http://${ORKEST_CLUSTER_NET}.1$i:$port/health | grep -q '\"status\":\"ok\"'" ||
      fail "node$i:$port (a node port) does not answer"
  done
done
eventually 15 bash -c "[ \"\$(kubectl get service health-lb -o jsonpath='{.status.loadBalancer.ingress[*].ip}')\" = \
  '${ORKEST_CLUSTER_NET}.11 ${ORKEST_CLUSTER_NET}.12 ${ORKEST_CLUSTER_NET}.13' ]" ||
  fail "health-lb's ingress is not the three nodes: $(k get service health-lb -o jsonpath='{.status.loadBalancer}')"
taken="$(k create service nodeport taken --tcp=8083:5000 --node-port="$node_port" 2>&1 || true)"
expect_match "$taken" "spec.ports\[0\].nodePort: Invalid value: $node_port: provided port is already allocated" \
  "a node port another Service has"

say "externalTrafficPolicy Local: outside traffic stays on the node it came to, with the client's address"
k patch service health-lb -p '{"spec":{"externalTrafficPolicy":"Local"}}' >/dev/null
pods_on() { k get pods -l app=health --field-selector "spec.nodeName=$1" -o jsonpath='{.items[*].metadata.name}'; }
for i in 2 3; do
  on_node="$(pods_on node$i)"
  [ -n "$on_node" ] || continue
  for _ in $(seq 6); do
    reply="$(cluster exec node1 curl -sf --max-time 2 "http://${ORKEST_CLUSTER_NET}.1$i:$lb_port/health" || true)"
    pod="$(sed -n 's/.*"pod":"\([^"]*\)".*/\1/p' <<<"$reply")"
    [ -n "$pod" ] && [[ " $on_node " == *" $pod "* ]] || fail "node$i:$lb_port answered from '$pod', not one of its pods ($on_node)"
  done
done
lb_node="$(k get pod "$(k get pods -l app=health -o jsonpath='{.items[0].metadata.name}')" -o jsonpath='{.spec.nodeName}')"
lb_ip="${ORKEST_CLUSTER_NET}.1${lb_node#node}"
# A connection held open from node1: the pod on $lb_node sees node1's address, not its own node's.
(trap - ERR; cluster exec node1 python3 -c "import socket,time; s=socket.create_connection(('$lb_ip',$lb_port)); time.sleep(8)") 2>/dev/null &
KX_BACKGROUND+=($!)
eventually 6 bash -c "for pod in $(pods_on "$lb_node"); do bash '$KX_ROOT/scripts/cluster.sh' exec $lb_node podman exec orkest_default_\$pod \
  netstat -tn; done | grep -q ':5000 .*${ORKEST_CLUSTER_NET}\.11:[0-9]* .*ESTABLISHED'" ||
  fail "no pod on $lb_node sees node1's address ${ORKEST_CLUSTER_NET}.11 as its client"
if cluster exec node1 curl -sf --max-time 2 "http://${ORKEST_CLUSTER_NET}.11:$lb_port/health" >/dev/null; then
  fail "node1 (no health pod) answered at its Local node port"
fi
cluster_ip="$(k get service health-lb -o jsonpath='{.spec.clusterIP}')"
seen="$(for _ in $(seq 12); do cluster exec node1 curl -sf --max-time 2 "http://$cluster_ip:8082/health"; echo; done |
  sed -n 's/.*"pod":"\([^"]*\)".*/\1/p' | sort -u | grep -c .)"
expect_eq "$seen" 3 "pods reached through the Local Service's cluster IP from node1"
wanted_ingress="$(for n in $(k get pods -l app=health -o jsonpath='{range .items[*]}{.spec.nodeName}{"\n"}{end}' | sort -u); do
  echo "${ORKEST_CLUSTER_NET}.1${n#node}"; done | tr '\n' ' ' | sed 's/ $//')"
eventually 15 bash -c "[ \"\$(kubectl get service health-lb -o jsonpath='{.status.loadBalancer.ingress[*].ip}')\" = '$wanted_ingress' ]" ||
  fail "health-lb's ingress is not the nodes with pods ($wanted_ingress): $(k get service health-lb -o jsonpath='{.status.loadBalancer}')"

say "a port taken on one node is reported by that node; the others serve it"
# Something else holds port 8084 on node2 (a listener of this test's own, in node2's namespace).
(trap - ERR; cluster exec node2 python3 -c 'import socket,time; s=socket.socket(); s.bind(("0.0.0.0",8084)); s.listen(); time.sleep(60)') 2>/dev/null &
KX_BACKGROUND+=($!)
eventually 5 bash -c "bash '$KX_ROOT/scripts/cluster.sh' exec node2 ss -Htln 'sport = :8084' | grep -q ." ||
  fail "the test's own listener on node2:8084 did not start"
k create service clusterip busy --tcp=8084:5000 >/dev/null
k patch service busy -p '{"spec":{"selector":{"app":"health"}}}' >/dev/null
eventually 10 bash -c "kubectl get events --field-selector involvedObject.name=busy,reason=FailedToBindPort \
  -o jsonpath='{.items[*].message}' | grep -q 'node node2: cannot listen on'" ||
  fail "no FailedToBindPort event from node2: $(k get events --field-selector involvedObject.name=busy 2>&1)"
for i in 1 3; do
  eventually 5 bash -c "curl -sf --max-time 2 http://${ORKEST_CLUSTER_NET}.1$i:8084/health | grep -q '\"status\":\"ok\"'" ||
    fail "node$i does not serve busy while node2 cannot"
done
# Each node's own condition in the Service's status.
port_status() {
  kubectl get service busy -o jsonpath='{range .status.conditions[*]}{.type}={.status}:{.reason}{"\n"}{end}' | sort | tr '\n' ' '
}
eventually 10 bash -c "[ \"\$($(declare -f port_status); port_status)\" = \
  'node1/PortsBound=True:Listening node2/PortsBound=False:PortInUse node3/PortsBound=True:Listening ' ]" ||
  fail "busy's status does not say node2 alone cannot listen: $(port_status)"
expect_match "$(k get service busy -o jsonpath='{.status.conditions[?(@.type=="node2/PortsBound")].message}')" \
  "cannot listen on 0\.0\.0\.0:8084: Address (already )?in use" "node2's condition's message"

say "sessionAffinity ClientIP keeps this client on one pod"
k patch service health-np -p '{"spec":{"sessionAffinity":"ClientIP"}}' >/dev/null
expect_eq "$(k get service health-np -o jsonpath='{.spec.sessionAffinityConfig.clientIP.timeoutSeconds}')" 10800 \
  "the default affinity timeout"
sticky_pods() {
  for _ in 1 2 3 4 5 6; do curl -sf --max-time 2 "http://${ORKEST_CLUSTER_NET}.12:$node_port/health"; echo; done |
    sed -n 's/.*"pod":"\([^"]*\)".*/\1/p' | sort -u | wc -l
}
eventually 5 bash -c "[ \"\$($(declare -f sticky_pods); node_port=$node_port ORKEST_CLUSTER_NET=$ORKEST_CLUSTER_NET sticky_pods)\" = 1 ]" ||
  fail "six calls through node2:$node_port with ClientIP affinity reached several pods"

say "a Service created later resolves inside pods on every node"
k create service clusterip later --tcp=8080:5000 >/dev/null
ip="$(k get service later -o jsonpath='{.spec.clusterIP}')"
for pod in ping $(k get pods -l app=health -o name | sed 's|pod/||'); do
  node="$(node_of "$pod")"
  eventually 5 bash -c "bash '$KX_ROOT/scripts/cluster.sh' exec $node podman exec orkest_default_$pod \
    nslookup later.default.svc.cluster.local | grep -q 'Address: $ip'" ||
    fail "later.default.svc.cluster.local does not resolve to $ip in $pod on $node"
done

say "a Service without a selector is backed by the Endpoints written for it, on every node"
read -r manual_pod manual_ip <<<"$(k get pods -l app=health -o jsonpath='{.items[0].metadata.name} {.items[0].status.podIP}')"
k create service clusterip manual --tcp=8085:5000 >/dev/null
k patch service manual --type=json -p '[{"op":"remove","path":"/spec/selector"}]' >/dev/null
k apply -f - >/dev/null <<EOF
{"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": "manual"},
 "subsets": [{"addresses": [{"ip": "$manual_ip"}], "ports": [{"name": "8085-5000", "port": 5000}]}]}
EOF
for i in 1 2 3; do
  eventually 5 bash -c "curl -sf --max-time 2 http://${ORKEST_CLUSTER_NET}.1$i:8085/health | grep -q '\"pod\":\"$manual_pod\"'" ||
    fail "node$i:8085 does not answer from $manual_pod, the manual Endpoints' address"
done

say "ping on an agent's node reaches the Service by name too"
k delete pod ping >/dev/null
k cordon node1 >/dev/null
k uncordon node2 >/dev/null
k run ping --image=ping:latest --restart=Never --env HEALTH_SERVICE=health-service:2000 >/dev/null
eventually 30 bash -c '[ "$(kubectl get pod ping -o jsonpath={.status.phase})" = Running ]' || fail "ping not Running again"
expect_eq "$(node_of ping)" node2 "the second ping's node"
eventually 30 bash -c "kubectl logs ping | grep -q '\"status\":\"ok\"'" ||
  fail "ping on node2 shows no answer through health-service:2000: $(k logs ping 2>&1 | tail -5)"
say "node3 lost under traffic: requests through node2's Service port stop failing within 10 s"
[ -n "$(pods_on node3)" ] || fail "no health pod on node3 to lose: $(k get pods -o wide 2>&1)"
python3 - "$KX_ROOT/scripts/cluster.sh" "http://${ORKEST_CLUSTER_NET}.12:2000/health" >"$ORKEST_CLUSTER_DIR/loss" <<'PY'
import subprocess, sys, time, urllib.request
cluster, url = sys.argv[1], sys.argv[2]
start = time.monotonic(); killed = None; failures = []; total = 0
while time.monotonic() - start < 18:  # 20 requests/s, for 3 s before the loss and 15 s after
    if killed is None and time.monotonic() - start > 3:
        subprocess.run(["bash", cluster, "kill", "node3"], check=True, stdout=subprocess.DEVNULL)
        killed = time.monotonic()
    sent = time.monotonic(); total += 1
    try:
        ok = b'"status":"ok"' in urllib.request.urlopen(url, timeout=3).read()
    except Exception:
        ok = False
    # A request that waited out a connect to the lost node's pod counts too: once that pod is
    # no backend any more, no new connection tries it.
    if not ok or time.monotonic() - sent > 1: failures.append(sent - (killed or sent))
    time.sleep(max(0.0, 0.05 - (time.monotonic() - sent)))
print(total, len(failures), max(failures) if failures else -1)
PY
read -r total failed last <"$ORKEST_CLUSTER_DIR/loss"
say "node3 lost: $failed of $total requests failed or took over 1 s, the last $last s after the loss"
python3 -c "import sys; sys.exit(0 if float('$last') <= 10 else 1)" || fail "a request failed $last s after node3 was lost"

say "node3 deleted: its PortsBound condition leaves the Services' status"
k delete node node3 >/dev/null
eventually 10 bash -c "[ \"\$($(declare -f port_status); port_status)\" = \
  'node1/PortsBound=True:Listening node2/PortsBound=False:PortInUse ' ]" ||
  fail "busy's status still has node3's condition: $(port_status)"

say "names and Services still answer on node2 while the server is away"
cluster kill node1
for pod in $(cluster exec node2 podman ps --format '{{.Names}}' | grep '^orkest_default_health-replicaset-'); do
  answer="$(cluster exec node2 podman exec "$pod" nslookup later.default.svc.cluster.local 2>&1 || true)"
  expect_match "$answer" "Address: $ip" "later's name in $pod with the server away"
done
for _ in 1 2 3; do
  curl -sf --max-time 3 "http://${ORKEST_CLUSTER_NET}.12:2000/health" | grep -q '"status":"ok"' ||
    fail "node2:2000 does not answer with the server away"
done
say "passed"
