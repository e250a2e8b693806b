#!/usr/bin/env bash
# Persistent storage with the real kubectl against a real orkest (runtime fake): a default
# StorageClass of orkest's local-path provisioner, a claim bound when its first pod comes (the
# folder made under the data dir), a static hostPath volume under security.hostPathAllowed bound
# to a claim of no class, `kubectl get sc,pv,pvc` with Kubernetes' columns, describe, and the
# claim deleted: the provisioned volume and its folder go, the static one is Released.
#
# usage: tests/kubectl/storage.sh [path/to/orkest]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
kx_extra_config() { printf 'security:\n  hostPathAllowed: [%s/static]\n' "$WORK"; }
kx_start "${1:-$KX_ROOT/build/orkest}"

say "a default StorageClass (kubectl apply)"
k apply -f "$KX_ROOT/conf/manifests/local-path-storage.yaml" >/dev/null || fail "applying the shipped StorageClass"
expect_match "$(k get sc 2>&1)" '^local-path \(default\) +orkest.io/local-path +Delete +WaitForFirstConsumer +false +[0-9a-z]+$' \
  "get sc row"

say "a claim waits for its first consumer, then is provisioned and bound"
cat >"$WORK/claim.yaml" <<'YAML'
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 1Gi
YAML
k apply -f "$WORK/claim.yaml" >/dev/null || fail "creating the claim"
eventually 10 bash -c "kubectl get pvc data -o jsonpath='{.spec.storageClassName}' | grep -qx local-path" ||
  fail "the default class was not filled in"
expect_match "$(k get pvc data 2>&1)" '^data +Pending +local-path +<unset> +[0-9a-z]+$' "a Pending claim's row"
expect_match "$(k describe pvc data 2>&1)" 'WaitForFirstConsumer +[0-9a-z]+ +persistentvolume-controller +waiting for first consumer to be created before binding' \
  "describe says why it waits"
k run app --image=health:latest --restart=Never --overrides='{"spec": {"volumes": [{"name": "data",
  "persistentVolumeClaim": {"claimName": "data"}}], "containers": [{"name": "app", "image": "health:latest",
  "volumeMounts": [{"name": "data", "mountPath": "/data"}]}]}}' >/dev/null || fail "creating the pod"
eventually 15 bash -c "kubectl get pvc data -o jsonpath='{.status.phase}' | grep -qx Bound" || fail "the claim was not bound"
volume="$(k get pvc data -o jsonpath='{.spec.volumeName}')"
expect_match "$volume" '^pvc-[0-9a-f-]+$' "the provisioned volume's name"
expect_match "$(k get pvc data 2>&1)" "^data +Bound +$volume +1Gi +RWO +local-path +<unset> +[0-9a-z]+$" "a Bound claim's row"
expect_match "$(k get pv "$volume" 2>&1)" "^$volume +1Gi +RWO +Delete +Bound +default/data +local-path +<unset> +[0-9a-z]+$" \
  "the volume's row"
folder="$(k get pv "$volume" -o jsonpath='{.spec.hostPath.path}')"
expect_eq "$folder" "$WORK/data/storage/${volume}_default_data" "the volume's folder"
[ -d "$folder" ] || fail "the provisioner did not make $folder"
eventually 15 bash -c "kubectl get pod app -o jsonpath='{.status.phase}' | grep -qx Running" || fail "the pod did not run"

say "a static hostPath volume binds a claim of no class"
mkdir -p "$WORK/static/small"
cat >"$WORK/static.yaml" <<YAML
apiVersion: v1
kind: PersistentVolume
metadata:
  name: small
spec:
  capacity: {storage: 2Gi}
  accessModes: [ReadWriteOnce, ReadOnlyMany]
  hostPath: {path: $WORK/static/small, type: Directory}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: manual
spec:
  storageClassName: ""
  accessModes: [ReadOnlyMany]
  resources: {requests: {storage: 1Gi}}
YAML
k apply -f "$WORK/static.yaml" >/dev/null || fail "creating the static volume and its claim"
eventually 10 bash -c "kubectl get pvc manual -o jsonpath='{.status.phase}' | grep -qx Bound" || fail "the static claim was not bound"
expect_match "$(k get pv small 2>&1)" '^small +2Gi +RWO,ROX +Retain +Bound +default/manual +<unset> +[0-9a-z]+$' "a static volume's row"
out="$(k apply -f - 2>&1 <<'YAML'
apiVersion: v1
kind: PersistentVolume
metadata:
  name: etc
spec:
  capacity: {storage: 1Gi}
  accessModes: [ReadWriteOnce]
  hostPath: {path: /etc}
YAML
)" && fail "a PersistentVolume of /etc was accepted: $out"
expect_match "$out" 'spec.hostPath.path: Forbidden: /etc is not under a folder in security.hostPathAllowed' "hostPath outside the allowed folders"

say "claims deleted: the provisioned volume goes with its folder, the static one is Released"
k delete pod app --grace-period=0 >/dev/null 2>&1 || fail "deleting the pod"
k delete pvc data manual >/dev/null || fail "deleting the claims"
eventually 15 bash -c "! kubectl get pv $volume >/dev/null 2>&1" || fail "the provisioned volume was not deleted"
[ ! -e "$folder" ] || fail "its folder $folder is still there"
eventually 15 bash -c "kubectl get pv small -o jsonpath='{.status.phase}' | grep -qx Released" || fail "the static volume was not Released"
[ -d "$WORK/static/small" ] || fail "the static volume's folder was touched"

say "ok"
