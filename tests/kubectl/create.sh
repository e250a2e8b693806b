#!/usr/bin/env bash
# kubectl's imperative commands, which send protobuf bodies (application/vnd.kubernetes.protobuf),
# with the real kubectl against a real orkest (runtime fake): create deployment, create service
# clusterip, create configmap, create secret generic|tls, expose deploy (JSON), and what orkest
# refuses: a node port outside the range and an ExternalName Service (422 naming the field), a Job (not served: NotFound), a client that
# accepts protobuf answers only (406).
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
# The Service's host port: below node ports (30000-32767) and the kernel's ephemeral ports
# (32768-60999), which a client connection elsewhere may hold at any moment.
PORT=$((28000 + $$ % 2000))
expect_eq "$(k expose deploy web --port "$PORT" --target-port 5000 2>&1)" "service/web exposed" "expose"
expect_eq "$(k get svc web -o jsonpath='{.spec.selector.app} {.spec.ports[0].targetPort}')" "web 5000" "the exposed Service"

say "kubectl create service clusterip (protobuf body)"
expect_eq "$(k create service clusterip other --tcp=$((PORT + 1)):8080 2>&1)" "service/other created" "create service clusterip"
expect_eq "$(k get svc other -o jsonpath='{.spec.type} {.spec.ports[0].name} {.spec.ports[0].port} {.spec.ports[0].targetPort} {.spec.selector.app}')" \
  "ClusterIP $((PORT + 1))-8080 $((PORT + 1)) 8080 other" "the Service kubectl built"
expect_match "$(k get svc other -o jsonpath='{.spec.clusterIP}')" '^10\.97\.[0-9]+\.[0-9]+$' "a cluster IP allocated"

say "kubectl create configmap, create secret generic|tls (protobuf bodies)"
expect_eq "$(k create configmap app-config --from-literal=mode=fast --from-literal=level=3 2>&1)" \
  "configmap/app-config created" "create configmap"
expect_match "$(k get cm app-config 2>&1)" '^app-config +2 +[0-9a-z]+$' "get cm row"
expect_eq "$(k get cm app-config -o jsonpath='{.data.mode}')" "fast" "configmap data"
expect_eq "$(k create secret generic app-secret --from-literal=password='s3cr3t!' 2>&1)" "secret/app-secret created" \
  "create secret generic"
expect_match "$(k get secret app-secret 2>&1)" '^app-secret +Opaque +1 +[0-9a-z]+$' "get secret row"
expect_eq "$(k get secret app-secret -o jsonpath='{.data.password}' | base64 -d)" 's3cr3t!' "secret data, base64"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/tls.key" -out "$WORK/tls.crt" -days 1 -subj /CN=web \
  >/dev/null 2>&1 || fail "openssl could not make a certificate"
expect_eq "$(k create secret tls web-tls --cert="$WORK/tls.crt" --key="$WORK/tls.key" 2>&1)" "secret/web-tls created" \
  "create secret tls"
expect_match "$(k get secret web-tls 2>&1)" '^web-tls +kubernetes.io/tls +2 ' "get secret tls row"
k patch cm app-config -p '{"immutable": true}' >/dev/null || fail "making the ConfigMap immutable"
out="$(k patch cm app-config -p '{"data": {"mode": "slow"}}' 2>&1)" && fail "an immutable ConfigMap changed: $out"
expect_match "$out" 'data: Forbidden: field is immutable when `immutable` is set' "immutable ConfigMap"

say "kubectl create service nodeport (protobuf body): a node port from the range"
k create service nodeport np --tcp=8000:8080 >/dev/null || fail "creating a NodePort Service"
expect_match "$(k get service np 2>&1)" '^np +NodePort +10\.[0-9.]+ +<none> +8000:3[0-9]{4}/TCP ' "the NodePort Service's row"

say "what orkest refuses"
out="$(k create service nodeport np2 --tcp=8001:8080 --node-port=8080 2>&1)" && fail "node port 8080 was accepted: $out"
expect_match "$out" 'spec.ports\[0\].nodePort: Invalid value: 8080: provided port is not in the valid range. The range of valid ports is 30000-32767' \
  "a node port outside services.nodePortRange refused naming the field"
out="$(k create service externalname ext --external-name=db.example 2>&1)" && fail "an ExternalName Service was accepted: $out"
expect_match "$out" 'spec.type: Unsupported value: "ExternalName"' "ExternalName refused naming the field"
out="$(k create job once --image=busybox:latest 2>&1)" && fail "a Job was accepted: $out"
expect_match "$out" 'the server could not find the requested resource' "Jobs are not served"
code="$(curl -s -o "$WORK/406.json" -w '%{http_code}' -H 'Accept: application/vnd.kubernetes.protobuf' "$API/apis/apps/v1/namespaces/default/deployments")"
expect_eq "$code" "406" "a protobuf-only Accept"
expect_match "$(cat "$WORK/406.json")" '"reason": *"NotAcceptable"' "406 as a Status"

say "ok"
