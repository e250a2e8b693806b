#!/usr/bin/env bash
# Builds the demo images localhost/health:latest and localhost/ping:latest from examples/,
# offline: each is FROM scratch plus the host's static busybox (Debian's busybox-static).
# Idempotent: an image is rebuilt only when its build context (Containerfile, scripts,
# busybox binary) changed since it was built; the context's hash is kept in an image label.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CONTAINERS_CONF="${CONTAINERS_CONF:-$ROOT/conf/containers.conf}"
BUSYBOX="${BUSYBOX:-/bin/busybox}"
HASH_LABEL="io.orkest.context-hash"

# The images have no libc: a dynamically linked busybox would not start in them.
if [ ! -x "$BUSYBOX" ] || [[ "$(ldd "$BUSYBOX" 2>&1 || true)" != *"not a dynamic executable"* ]]; then
  echo "build-example-images: $BUSYBOX is not a static busybox; install busybox-static" >&2
  exit 1
fi

# Hash of everything that goes into the image (contents and modes), independent of where
# the files are.
context_hash() {  # dir
  (cd "$1" && find . -type f -printf '%m %p\n' | sort
   find . -type f -print0 | sort -z | xargs -0 sha256sum
   sha256sum < "$BUSYBOX") | sha256sum | cut -c1-16
}

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

build() {  # name
  local dir="$ROOT/examples/$1" image="localhost/$1:latest" ctx="$WORK/$1" hash current previous
  hash="$(context_hash "$dir")"
  current="$(podman image inspect --format "{{ index .Labels \"$HASH_LABEL\" }}" "$image" 2>/dev/null || true)"
  if [ "$current" = "$hash" ]; then
    echo "build-example-images: $image is up to date ($hash)"
    return
  fi
  # Build from a copy so the busybox binary never lands in the source tree.
  mkdir -p "$ctx"
  cp -a "$dir/." "$ctx/"
  cp "$BUSYBOX" "$ctx/busybox"
  echo "build-example-images: building $image ($hash)"
  previous="$(podman image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)"
  podman build --quiet --layers=false --label "$HASH_LABEL=$hash" --tag "$image" "$ctx" >/dev/null
  # The old image lost its tag; drop it unless containers still use it.
  if [ -n "$previous" ] && [ "$previous" != "$(podman image inspect --format '{{.Id}}' "$image")" ]; then
    podman rmi "$previous" >/dev/null 2>&1 || true
  fi
}

build health
build ping
