#!/usr/bin/env bash
# Removes a podman network a test or benchmark made (with any container still on it), and the
# bridge interface it may have left: podman (CNI) deletes the bridge with the network's last
# container, yet one was once found without its network (how was not pinned down), and
# `podman network rm` never deletes it. A bridge left behind holds the subnet on the host, and
# podman refuses to create a network on that subnet again.
# Usage: scripts/remove-pod-network.sh NETWORK
set -uo pipefail
export CONTAINERS_CONF="${CONTAINERS_CONF:-$(dirname "$0")/../conf/containers.conf}"
network="$1"
podman network exists "$network" || exit 0
bridge="$(podman network inspect "$network" --format '{{.NetworkInterface}}')"
ids="$(podman ps -aq --filter "network=$network")"
[ -z "$ids" ] || podman rm -f -t 0 $ids >/dev/null
# Deleted while the network still names it, so no other network can have taken the name.
if [ -n "$bridge" ] && [ -d "/sys/class/net/$bridge/bridge" ] && [ -z "$(ls "/sys/class/net/$bridge/brif")" ]; then
  ip link del "$bridge"
fi
podman network rm -f "$network" >/dev/null
