#!/usr/bin/env bash
# Nodes with the real kubectl against a real orkest (runtime fake): the node registered itself
# (`get nodes`, `-o wide`, `describe node` with its lease, conditions and allocated resources),
# renews its Lease in kube-node-lease, and the scheduler places pods: `cordon` keeps new pods
# off (Pending, FailedScheduling in Kubernetes' words) until `uncordon`; `taint` likewise;
# `drain` evicts a ReplicaSet's pods through the eviction subresource; a pod asking more cpu
# than the node has waits, saying so.
#
# usage: tests/kubectl/nodes.sh [path/to/orkest]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
kx_start "${1:-$KX_ROOT/build/orkest}"

say "the node registered itself"
expect_match "$(k get nodes 2>&1)" "^$NODE +Ready +control-plane,master +[0-9a-z]+ +v1\.32\.0-orkest$" "get nodes row"
wide="$(k get nodes -o wide 2>&1)"
expect_match "$wide" 'INTERNAL-IP +EXTERNAL-IP +OS-IMAGE +KERNEL-VERSION +CONTAINER-RUNTIME' "wide columns"
expect_match "$wide" "^$NODE +Ready .* [0-9.]+ +<none> +.+ +$(uname -r | sed 's/[.+]/\\&/g') +fake://$" "wide row"
expect_match "$(k get node "$NODE" -o jsonpath='{.status.allocatable.cpu}')" "^$(nproc)$" "allocatable cpu is the host's"
expect_match "$(k get leases -n kube-node-lease 2>&1)" "^$NODE +$NODE +[0-9a-z]+$" "the node's lease"
renewed="$(k get lease -n kube-node-lease "$NODE" -o jsonpath='{.spec.renewTime}')"
eventually 6 bash -c "[ \"\$(kubectl get lease -n kube-node-lease $NODE -o jsonpath='{.spec.renewTime}')\" != '$renewed' ]" ||
  fail "the lease was not renewed within 6 s"

say "pods are scheduled to it"
k create deployment web --image=health:latest --replicas=2 >/dev/null || fail "creating the deployment"
eventually 15 bash -c "[ \"\$(kubectl get pods -l app=web --field-selector spec.nodeName=$NODE,status.phase=Running -o name | wc -l)\" = 2 ]" ||
  fail "the deployment's pods were not scheduled and running: $(k get pods -o wide 2>&1)"
pod="$(k get pods -l app=web -o jsonpath='{.items[0].metadata.name}')"
expect_match "$(k describe pod "$pod" 2>&1)" "Normal +Scheduled +[0-9a-z]+ +default-scheduler +Successfully assigned default/$pod to $NODE" \
  "describe pod shows the scheduler's event"

say "describe node"
described="$(k describe node "$NODE" 2>&1)"
expect_match "$described" "^Roles: +control-plane,master$" "roles"
expect_match "$described" "^Taints: +<none>$" "no taints"
expect_match "$described" "^Unschedulable: +false$" "schedulable"
expect_match "$described" "HolderIdentity: +$NODE" "the lease in describe"
expect_match "$described" "Ready +True .* KubeletReady +kubelet is posting ready status" "the Ready condition"
expect_match "$described" "Non-terminated Pods: +\(2 in total\)" "the node's pods"
expect_match "$described" "Allocated resources:" "allocated resources"

say "cordon keeps new pods off; uncordon lets them on"
expect_match "$(k cordon "$NODE" 2>&1)" "node/$NODE cordoned" "cordon"
expect_match "$(k get nodes 2>&1)" "^$NODE +Ready,SchedulingDisabled " "a cordoned node's status"
k run late --image=health:latest --restart=Never >/dev/null || fail "creating a pod"
eventually 10 bash -c "kubectl get pod late -o jsonpath='{.status.conditions[?(@.type==\"PodScheduled\")].reason}' | grep -qx Unschedulable" ||
  fail "the pod was not reported unschedulable"
expect_match "$(k get pod late 2>&1)" '^late +0/1 +Pending +0 +' "a pending pod's row"
expect_match "$(k describe pod late 2>&1)" 'Warning +FailedScheduling +[0-9a-z]+ +default-scheduler +0/1 nodes are available: 1 node\(s\) were unschedulable\.' \
  "describe says why"
expect_match "$(k uncordon "$NODE" 2>&1)" "node/$NODE uncordoned" "uncordon"
k wait --for=condition=Ready pod/late --timeout=15s >/dev/null || fail "the pod did not run after uncordon"

say "a taint keeps pods that do not tolerate it off"
k taint nodes "$NODE" dedicated=ci:NoSchedule >/dev/null || fail "tainting"
k run tainted --image=health:latest --restart=Never >/dev/null || fail "creating a pod"
eventually 10 bash -c "kubectl get pod tainted -o jsonpath='{.status.conditions[0].message}' | grep -q 'untolerated taint {dedicated: ci}'" ||
  fail "the taint was not the reason: $(k get pod tainted -o yaml 2>&1)"
k taint nodes "$NODE" dedicated- >/dev/null || fail "removing the taint"
k wait --for=condition=Ready pod/tainted --timeout=15s >/dev/null || fail "the pod did not run once the taint went"

say "drain evicts the ReplicaSet's pods"
drained="$(k drain "$NODE" --ignore-daemonsets --force --timeout=30s 2>&1)" || fail "drain failed: $drained"
expect_match "$drained" "evicting pod default/$pod" "drain evicts through the eviction API"
expect_match "$drained" "node/$NODE drained" "drained"
eventually 10 bash -c "[ \"\$(kubectl get pods -l app=web --field-selector spec.nodeName=$NODE -o name | wc -l)\" = 0 ]" ||
  fail "the drained pods are still there: $(k get pods -o wide 2>&1)"
expect_eq "$(k get pods -l app=web --field-selector status.phase=Pending -o name | wc -l)" 2 "their replacements wait for a node"
k uncordon "$NODE" >/dev/null || fail "uncordon after the drain"
eventually 15 bash -c "[ \"\$(kubectl get pods -l app=web --field-selector status.phase=Running -o name | wc -l)\" = 2 ]" ||
  fail "the replacements did not run after uncordon"

say "a pod asking more than the node has waits, saying so"
k run huge --image=health:latest --restart=Never --overrides='{"spec": {"containers": [{"name": "huge", "image": "health:latest",
  "resources": {"requests": {"cpu": "1000"}}}]}}' >/dev/null || fail "creating the huge pod"
eventually 10 bash -c "kubectl get pod huge -o jsonpath='{.status.conditions[0].message}' | grep -qx '0/1 nodes are available: 1 Insufficient cpu.'" ||
  fail "the huge pod's reason: $(k get pod huge -o jsonpath='{.status.conditions}' 2>&1)"
expect_match "$(k delete pod huge 2>&1)" 'pod "huge" deleted' "an unscheduled pod is deleted at once"

say "ok"
