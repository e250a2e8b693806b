#!/usr/bin/env bash
# Namespaces with the real kubectl against a real orkest (runtime fake): the system namespaces
# are there, `create namespace` makes one (protobuf body) that `get ns` prints as Kubernetes
# does, objects go only into a namespace that exists, `delete namespace` waits until everything
# in it is gone and then the namespace, and default may not be deleted.
#
# usage: tests/kubectl/namespaces.sh [path/to/orkest]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
kx_start "${1:-$KX_ROOT/build/orkest}"

say "the system namespaces"
out="$(k get namespaces 2>&1)"
for name in default kube-system kube-public kube-node-lease; do
  expect_match "$out" "^$name +Active +[0-9a-z]+$" "get namespaces: $name"
done
expect_eq "$(k get ns default -o jsonpath='{.metadata.labels.kubernetes\.io/metadata\.name}')" "default" "the name label"

say "objects go only into a namespace that exists"
out="$(k create configmap settings --from-literal=mode=fast -n team 2>&1)" && fail "created in a missing namespace: $out"
expect_match "$out" 'namespaces "team" not found' "a missing namespace"
expect_eq "$(k create namespace team 2>&1)" "namespace/team created" "create namespace"
expect_match "$(k get ns team 2>&1)" '^team +Active +[0-9a-z]+$' "get ns team"
expect_eq "$(k create configmap settings --from-literal=mode=fast -n team 2>&1)" "configmap/settings created" \
  "create configmap in team"
k run web --image=localhost/health:latest -n team >/dev/null || fail "run a pod in team"
k create configmap settings --from-literal=mode=slow >/dev/null || fail "the same name in default"

say "kubectl delete namespace waits until its content is gone"
expect_eq "$(k delete namespace team --timeout=60s 2>&1)" 'namespace "team" deleted' "delete namespace"
out="$(k get ns team 2>&1)" && fail "the namespace is still there: $out"
expect_match "$out" 'namespaces "team" not found' "namespace gone"
expect_eq "$(k get configmaps,pods -n team -o name 2>/dev/null)" "" "nothing left in team"
expect_eq "$(k get configmap settings -o jsonpath='{.data.mode}')" "slow" "default's ConfigMap kept"

say "default may not be deleted"
out="$(k delete namespace default 2>&1)" && fail "default was deleted: $out"
expect_match "$out" 'namespaces "default" is forbidden: this namespace may not be deleted' "default stays"

say "all namespace checks passed"
