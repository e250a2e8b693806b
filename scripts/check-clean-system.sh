#!/usr/bin/env bash
# Checks the README's two commands on a clean Debian 12 system, so that a package the
# development machines happen to have can never hide a missing line in scripts/setup.sh.
#
#   scripts/check-clean-system.sh [run|test]     (default: run)
#
# It builds a minimal Debian 12 root filesystem with debootstrap (once; kept as the podman image
# localhost/orkest-clean-bookworm), takes a fresh clone of this repository's committed HEAD, and
# in a privileged podman container of that image (its own network namespace; apt reaches
# Debian's mirror through podman's NAT) runs:
#   run:  scripts/run.sh until orkest answers /readyz (the seconds it took are printed), then
#         creates a pod and waits for it to run: packages, build, images and podman networking;
#   test: scripts/test.sh, every test (about as long as CI).
# Cleans up its container, its clone and the nested podman storage, by their own names.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODE="${1:-run}"
case "$MODE" in run|test) ;; *) echo "usage: $0 [run|test]" >&2; exit 2 ;; esac

WORK="${ORKEST_CLEAN_WORK:-/var/tmp/orkest-clean}"
IMAGE=localhost/orkest-clean-bookworm:latest
NAME="orkest-clean-check-$$"
RUN_DIR="$WORK/$NAME"
export CONTAINERS_CONF="$ROOT/conf/containers.conf"

bash "$ROOT/scripts/setup.sh"  # podman for the outer container
if ! command -v debootstrap >/dev/null; then
  echo "check-clean-system: installing debootstrap"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
fi

cleanup() {
  podman rm -f --time 5 "$NAME" >/dev/null 2>&1 || true
  # The nested storage holds files owned by the container's users: remove it as root.
  rm -rf "$RUN_DIR"
}
trap cleanup EXIT

if ! podman image exists "$IMAGE"; then
  echo "check-clean-system: building a minimal Debian 12 root filesystem (debootstrap, about a minute)"
  rm -rf "$WORK/root"
  mkdir -p "$WORK"
  debootstrap --variant=minbase bookworm "$WORK/root" http://deb.debian.org/debian >"$WORK/debootstrap.log"
  tar -C "$WORK/root" -c . | podman import --quiet - "$IMAGE" >/dev/null
  rm -rf "$WORK/root"
fi

mkdir -p "$RUN_DIR/storage"
git clone --quiet "$ROOT" "$RUN_DIR/src"
echo "check-clean-system: $MODE on a clean Debian 12 ($(git -C "$RUN_DIR/src" log -1 --format='%h %s'))"

# Inside: nothing but minbase and the clone. A script file, not a shell string built from values.
cat >"$RUN_DIR/inside.sh" <<'INSIDE'
#!/bin/bash
set -euo pipefail
cd /src
if [ "$1" = test ]; then
  started=$(date +%s)
  scripts/test.sh
  echo "check-clean-system: scripts/test.sh passed after $(( $(date +%s) - started )) s"
  exit 0
fi
started=$(date +%s)
scripts/run.sh >/tmp/run.log 2>&1 &
orkest=$!
ready() { command -v curl >/dev/null && curl -sf --max-time 2 http://127.0.0.1:3000/readyz >/dev/null; }
until ready; do
  if ! kill -0 "$orkest" 2>/dev/null; then tail -40 /tmp/run.log; echo "check-clean-system: run.sh ended" >&2; exit 1; fi
  if (( $(date +%s) - started > 1800 )); then tail -40 /tmp/run.log; echo "check-clean-system: no /readyz in 30 min" >&2; exit 1; fi
  sleep 2
done
echo "check-clean-system: orkest answered /readyz $(( $(date +%s) - started )) s after scripts/run.sh started"
curl -sf -X POST http://127.0.0.1:3000/api/v1/namespaces/default/pods -H 'Content-Type: application/json' \
  -d '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"clean"},"spec":{"containers":[{"name":"health","image":"health:latest"}]}}' >/dev/null
for _ in $(seq 60); do
  if curl -sf http://127.0.0.1:3000/api/v1/namespaces/default/pods/clean | grep -q '"phase": *"Running"'; then
    echo "check-clean-system: a pod runs"
    kill "$orkest"; wait "$orkest" || true
    exit 0
  fi
  sleep 1
done
curl -s http://127.0.0.1:3000/api/v1/namespaces/default/pods/clean; tail -40 /tmp/run.log
echo "check-clean-system: the pod did not run within 60 s" >&2
exit 1
INSIDE

# kubectl is not a Debian package (Debian's kubernetes-client is 1.20): the machines CI runs on
# provide it, and so does this check, from the host.
extra=()
if [ "$MODE" = test ] && command -v kubectl >/dev/null; then
  extra+=(-v "$(command -v kubectl):/usr/local/bin/kubectl:ro")
fi
podman run --rm --name "$NAME" --privileged "${extra[@]}" \
  -v "$RUN_DIR/src:/src" -v "$RUN_DIR/storage:/var/lib/containers" -v "$RUN_DIR/inside.sh:/inside.sh:ro" \
  "$IMAGE" bash /inside.sh "$MODE"
echo "check-clean-system: ok"
