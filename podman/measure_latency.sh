#!/usr/bin/env bash
# Measures create / start / inspect latency through the podman CLI and through the libpod
# REST API (`podman system service` on a unix socket), to choose how podman_runtime talks to
# podman. Prints the median of N runs per operation, in milliseconds. Needs the health image
# (scripts/build-example-images.sh). Usage: podman/measure_latency.sh [N]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CONTAINERS_CONF="${CONTAINERS_CONF:-$ROOT/conf/containers.conf}"
N="${1:-20}"
IMAGE=localhost/health:latest
NAME="orkest-latency-$$"
WORK="$(mktemp -d)"
SOCK="$WORK/podman.sock"
API="http://d/v4.0.0/libpod"

podman system service --time=0 "unix://$SOCK" &
SERVICE=$!
cleanup() { kill "$SERVICE" 2>/dev/null || true; podman rm -f -t 0 "$NAME" >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT
for _ in $(seq 50); do [ -S "$SOCK" ] && break; sleep 0.1; done

now_ms() { echo $(($(date +%s%N) / 1000000)); }
timed() {  # file, command...: appends the command's duration in ms to file
  local file="$1" start; shift
  start="$(now_ms)"; "$@" >/dev/null; echo $(($(now_ms) - start)) >> "$file"
}
rest() {  # method, path, [json body]
  curl -sf --unix-socket "$SOCK" -X "$1" -H 'Content-Type: application/json' ${3:+-d "$3"} "$API$2"
}
median() { sort -n "$1" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

for _ in $(seq "$N"); do
  timed "$WORK/cli-create" podman create --name "$NAME" --restart=no "$IMAGE"
  timed "$WORK/cli-start" podman start "$NAME"
  timed "$WORK/cli-inspect" podman container inspect "$NAME"
  podman rm -f -t 0 "$NAME" >/dev/null

  timed "$WORK/rest-create" rest POST /containers/create "{\"name\":\"$NAME\",\"image\":\"$IMAGE\"}"
  timed "$WORK/rest-start" rest POST "/containers/$NAME/start"
  timed "$WORK/rest-inspect" rest GET "/containers/$NAME/json"
  rest DELETE "/containers/$NAME?force=true&t=0" >/dev/null
done

printf '%-8s %8s %8s   (median ms of %s runs)\n' op cli rest "$N"
for op in create start inspect; do
  printf '%-8s %8s %8s\n' "$op" "$(median "$WORK/cli-$op")" "$(median "$WORK/rest-$op")"
done
