#!/usr/bin/env bash
# Watches against a real orkest (runtime fake): `kubectl get pods -w` sees a pod created and
# deleted after it started; the raw stream is chunked newline-delimited JSON; resourceVersion
# resumes; watch=1 works; timeoutSeconds ends the stream, after a BOOKMARK when allowed;
# sendInitialEvents ends its initial ADDED events with the k8s.io/initial-events-end
# bookmark; a bad selector is a 400 before streaming; kubectl wait (a watch) sees changes.
#
# usage: tests/kubectl/watch.sh [path/to/orkest]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
kx_start "${1:-$KX_ROOT/build/orkest}"
command -v curl >/dev/null || fail "curl is not installed"

pod_yaml() {  # NAME
  printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: %s\n  labels: {app: watched}\nspec:\n  containers:\n  - name: c\n    image: localhost/health:latest\n' "$1"
}
# Waits (at most SECONDS) until FILE has a line matching REGEX.
wait_for_line() {  # FILE REGEX SECONDS WHAT
  eventually "$3" grep -Eq -- "$2" "$1" || fail "$4: no line /$2/ within $3 s in:
$(cat "$1")"
}

say "kubectl get pods -w sees a pod created and deleted while it watches"
pod_yaml first | k apply -f - >/dev/null
# kubectl itself in the background (not through the k function: $! must be its pid).
kubectl get pods -w --request-timeout=60s >"$WORK/watch.out" 2>"$WORK/watch.err" &
KX_BACKGROUND+=($!)
wait_for_line "$WORK/watch.out" '^first +1/1 +Running' 10 "kubectl get -w lists first"
pod_yaml second | k apply -f - >/dev/null
wait_for_line "$WORK/watch.out" '^second +' 10 "kubectl get -w shows the new pod"
k delete pod second --wait=false >/dev/null
wait_for_line "$WORK/watch.out" '^second +[0-9]/1 +Terminating' 10 "kubectl get -w shows Terminating"
expect_eq "$(grep -c '^NAME' "$WORK/watch.out")" 1 "the header is printed once"
[ ! -s "$WORK/watch.err" ] || fail "kubectl get -w complained: $(cat "$WORK/watch.err")"

say "kubectl wait --for=delete (a watch) sees the pod go"
k wait --for=delete pod/second --timeout=20s >/dev/null

say "raw stream: chunked, newline-delimited JSON, ends at timeoutSeconds after a BOOKMARK"
start=$SECONDS
curl -sS -i -N --max-time 20 \
  "$API/api/v1/namespaces/default/pods?watch=true&timeoutSeconds=2&allowWatchBookmarks=true" >"$WORK/raw.out"
elapsed=$((SECONDS - start))
[ "$elapsed" -ge 1 ] && [ "$elapsed" -le 6 ] || fail "timeoutSeconds=2 stream lasted $elapsed s"
expect_match "$(cat "$WORK/raw.out")" '^HTTP/1.1 200 OK' "status line"
expect_match "$(tr -d '\r' <"$WORK/raw.out")" '^Transfer-Encoding: chunked$' "chunked encoding"
expect_match "$(tr -d '\r' <"$WORK/raw.out")" '^Content-Type: application/json$' "content type"
sed '1,/^\r$/d' "$WORK/raw.out" >"$WORK/raw.body"
python3 - "$WORK/raw.body" <<'PY' || fail "raw watch body: $(cat "$WORK/raw.body")"
import json, sys
events = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
types = [e["type"] for e in events]
assert types[0] == "ADDED" and events[0]["object"]["metadata"]["name"] == "first", types
assert types[-1] == "BOOKMARK", types
bookmark = events[-1]["object"]
assert bookmark["kind"] == "Pod" and int(bookmark["metadata"]["resourceVersion"]) > 0, bookmark
PY

say "resourceVersion resumes after a version"
version="$(k get --raw /api/v1/namespaces/default/pods | python3 -c 'import json, sys; print(json.load(sys.stdin)["metadata"]["resourceVersion"])')"
pod_yaml third | k apply -f - >/dev/null
k label pod third stage=two >/dev/null
k delete pod third --wait=false >/dev/null
k wait --for=delete pod/third --timeout=20s >/dev/null
curl -sS -N --max-time 20 \
  "$API/api/v1/namespaces/default/pods?watch=1&resourceVersion=$version&timeoutSeconds=1" >"$WORK/resume.out"
python3 - "$WORK/resume.out" <<'PY' || fail "resumed watch: $(cat "$WORK/resume.out")"
import json, sys
events = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
assert all(e["object"]["metadata"]["name"] == "third" for e in events), events
types = [e["type"] for e in events]
assert types[0] == "ADDED" and types[-1] == "DELETED" and "MODIFIED" in types, types
labelled = [e for e in events if e["object"]["metadata"].get("labels", {}).get("stage") == "two"]
assert labelled, "the label change is in the stream"
PY

say "sendInitialEvents: ADDED for what exists, then the initial-events-end BOOKMARK"
curl -sS -N --max-time 20 \
  "$API/api/v1/pods?watch=true&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&timeoutSeconds=1" \
  >"$WORK/initial.out"
python3 - "$WORK/initial.out" <<'PY' || fail "sendInitialEvents: $(cat "$WORK/initial.out")"
import json, sys
events = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
assert events[0]["type"] == "ADDED" and events[0]["object"]["metadata"]["name"] == "first", events
marks = [e for e in events if e["type"] == "BOOKMARK"]
assert marks[0]["object"]["metadata"]["annotations"]["k8s.io/initial-events-end"] == "true", marks
PY

say "label selectors filter the stream; a bad one is 400 before streaming"
curl -sS -N --max-time 20 "$API/api/v1/namespaces/default/pods?watch=true&labelSelector=app%3Dnone&timeoutSeconds=1" \
  >"$WORK/none.out"
expect_eq "$(cat "$WORK/none.out")" "" "selector matching nothing"
code="$(curl -sS -o "$WORK/bad.out" -w '%{http_code}' --max-time 20 "$API/api/v1/pods?watch=true&labelSelector=a%3D%3D%3D")"
expect_eq "$code" 400 "bad selector status"
expect_match "$(cat "$WORK/bad.out")" '"kind":"Status"' "bad selector body"

say "the watch ends when the client goes; orkest keeps serving"
for _ in 1 2 3 4 5; do
  curl -sS -N --max-time 1 "$API/api/v1/pods?watch=true" >/dev/null 2>&1 || true
done
expect_eq "$(k get pod first -o name)" "pod/first" "still serving after abandoned watches"

say "ok"
