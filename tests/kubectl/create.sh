#!/usr/bin/env bash
# kubectl's imperative commands, which send protobuf bodies (application/vnd.kubernetes.protobuf),
# with the real kubectl against a real orkest (runtime fake): create deployment, create service
# clusterip, expose deploy (JSON), and what orkest refuses: a NodePort Service (422 naming the
# field), a ConfigMap (not served: NotFound), a client that accepts protobuf answers only (406).
#
# usage: tests/kubectl/create.sh [path/to/orkest]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
kx_start "${1:-$KX_ROOT/build/orkest}"

say "kubectl create deployment (protobuf body)"
expect_eq "$(k create deployment web --image=health:latest --replicas=3 2>&1)" "deployment.apps/web created" "create deployment"
out="$(k rollout status deploy/web --timeout=60s 2>&1)" || fail "rollout status: $out"
expect_match "$(k get deploy web 2>&1)" '^web +3/3 +3 +3 +[0-9a-z]+$' "get deploy row"
expect_eq "$(k get deploy web -o jsonpath='{.spec.selector.matchLabels.app} {.spec.template.spec.containers[0].name} {.spec.template.spec.containers[0].image}')" \
  "web health health:latest" "the Deployment kubectl built"
# Fields kubectl's protobuf encoder writes as zeros are absent, as in its JSON: the defaults apply.
expect_eq "$(k get deploy web -o jsonpath='{.spec.strategy.type} {.spec.revisionHistoryLimit} {.spec.progressDeadlineSeconds}')" \
  "RollingUpdate 10 600" "defaults after a protobuf body"
expect_eq "$(k get deploy web -o jsonpath='{.metadata.creationTimestamp}' | grep -c '^20[0-9][0-9]-')" "1" \
  "creationTimestamp set by orkest"

say "kubectl create deployment with --port and a command (protobuf body)"
expect_eq "$(k create deployment cmd --image=busybox:latest --port=5000 -- sleep 3600 2>&1)" "deployment.apps/cmd created" \
  "create deployment with a command"
expect_eq "$(k get deploy cmd -o jsonpath='{.spec.template.spec.containers[0].ports[0].containerPort} {.spec.template.spec.containers[0].command}')" \
  '5000 ["sleep","3600"]' "port and command decoded"

say "kubectl expose deploy (JSON body)"
PORT=$((38000 + $$ % 2000))
expect_eq "$(k expose deploy web --port "$PORT" --target-port 5000 2>&1)" "service/web exposed" "expose"
expect_eq "$(k get svc web -o jsonpath='{.spec.selector.app} {.spec.ports[0].targetPort}')" "web 5000" "the exposed Service"

say "kubectl create service clusterip (protobuf body)"
expect_eq "$(k create service clusterip other --tcp=$((PORT + 1)):8080 2>&1)" "service/other created" "create service clusterip"
expect_eq "$(k get svc other -o jsonpath='{.spec.type} {.spec.ports[0].name} {.spec.ports[0].port} {.spec.ports[0].targetPort} {.spec.selector.app}')" \
  "ClusterIP $((PORT + 1))-8080 $((PORT + 1)) 8080 other" "the Service kubectl built"
expect_match "$(k get svc other -o jsonpath='{.spec.clusterIP}')" '^10\.97\.[0-9]+\.[0-9]+$' "a cluster IP allocated"

say "what orkest refuses"
out="$(k create service nodeport np --tcp=80:8080 2>&1)" && fail "a NodePort Service was accepted: $out"
expect_match "$out" 'spec.type: Unsupported value: "NodePort"' "NodePort refused naming the field"
out="$(k create configmap cm --from-literal=a=b 2>&1)" && fail "a ConfigMap was accepted: $out"
expect_match "$out" 'the server could not find the requested resource' "ConfigMaps are not served"
code="$(curl -s -o "$WORK/406.json" -w '%{http_code}' -H 'Accept: application/vnd.kubernetes.protobuf' "$API/apis/apps/v1/namespaces/default/deployments")"
expect_eq "$code" "406" "a protobuf-only Accept"
expect_match "$(cat "$WORK/406.json")" '"reason": *"NotAcceptable"' "406 as a Status"

say "ok"
