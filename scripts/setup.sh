#!/usr/bin/env bash
# Installs everything orkest needs to build, run and test, from Debian's packages.
# Idempotent: when every package is present it returns in well under a second.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config ccache
  libcaf-dev libpistache-dev libsqlite3-dev libssl-dev nlohmann-json3-dev libspdlog-dev libyaml-cpp-dev
  libprotobuf-dev protobuf-compiler libcurl4-openssl-dev
  libgtest-dev libgmock-dev
  podman runc netavark aardvark-dns iptables busybox-static iproute2
  curl openssl python3-kubernetes python3-yaml
  clang libclang-rt-14-dev
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
