#!/usr/bin/env bash
# A simulated orkest cluster on this machine: each node is a "machine" of its own, a network
# namespace (its own address, routes and firewall) with a mount namespace (podman's network
# state), its own podman storage (images shared read-only from this host's store, so nothing
# is pulled) and its own orkest process. Node 1 runs `orkest` (the server, which also runs
# pods), nodes 2..N run `orkest agent`. The nodes meet on a bridge; pods on different nodes
# meet only through the routes the agents install.
#
#   scripts/cluster.sh up N         start N nodes (1..20) and wait until all are Ready
#   scripts/cluster.sh kill NODE    lose machine NODE (e.g. node2): SIGKILL of its orkest and
#                                   its containers, and its link cut
#   scripts/cluster.sh start NODE   bring a killed machine back (link up, its orkest again)
#   scripts/cluster.sh kubectl ...  kubectl against the server (HTTPS with the token)
#   scripts/cluster.sh exec NODE CMD...  run CMD inside NODE's namespaces (e.g. podman ps)
#   scripts/cluster.sh env          the server's URL, join token, CA and kubeconfig (shell assignments)
#   scripts/cluster.sh down         remove everything `up` made (safe to run twice)
#
# Environment: ORKEST_CLUSTER_NAME (orkc; prefixes every namespace, link and bridge),
# ORKEST_CLUSTER_NET (10.250.0: the nodes' /24), ORKEST_CLUSTER_DIR (/tmp/<name>),
# ORKEST_BINARY (build/orkest), ORKEST_CLUSTER_WORKERS (8: podman commands each node runs at
# once; the machines share this host's CPUs). Needs root (network namespaces), as rootful podman does.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
name="${ORKEST_CLUSTER_NAME:-orkc}"
net="${ORKEST_CLUSTER_NET:-10.250.0}"
dir="${ORKEST_CLUSTER_DIR:-/tmp/$name}"
binary="${ORKEST_BINARY:-$repo/build/orkest}"
workers="${ORKEST_CLUSTER_WORKERS:-8}"
bridge="${name}0"
port=3000
server_ip="$net.11"

die() { echo "cluster.sh: $*" >&2; exit 1; }
[[ "$name" =~ ^[a-z][a-z0-9]{0,7}$ ]] || die "ORKEST_CLUSTER_NAME must be 1-8 lowercase letters and digits"
[[ "$net" =~ ^[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$ ]] || die "ORKEST_CLUSTER_NET must be three octets, e.g. 10.250.0"
[[ "$workers" =~ ^[1-9][0-9]?$ ]] || die "ORKEST_CLUSTER_WORKERS must be a number from 1 to 99"

node_index() {  # node3 -> 3
  [[ "$1" =~ ^node([0-9]+)$ ]] || die "no node \"$1\" (nodes are node1, node2, ...)"
  [[ -d "$dir/${1}" ]] || die "no node $1 in $dir (is the cluster up?)"
  echo "${BASH_REMATCH[1]}"
}
node_ip() { echo "$net.$((10 + $1))"; }
netns() { echo "$name-n$1"; }
mountns() { echo "$dir/ns/node$1.mnt"; }
# Runs a command inside node i's namespaces with its podman configuration.
in_node() {
  local i="$1"; shift
  local home="$dir/node$i"
  CONTAINERS_CONF="$home/containers.conf" CONTAINERS_STORAGE_CONF="$home/storage.conf" \
    nsenter --net="/run/netns/$(netns "$i")" --mount="$(mountns "$i")" "$@"
}
node_count() { cat "$dir/nodes" 2>/dev/null || echo 0; }
token() { cat "$dir/token"; }

write_node_files() {
  local i="$1" home="$dir/node$1"
  mkdir -p "$home"/{root,run,tmp,networks,data}
  cat >"$home/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$home/root"
runroot = "$home/run"
[storage.options]
# The host's images, read-only: a node pulls nothing.
additionalimagestores = ["/var/lib/containers/storage"]
EOF
  # conf/containers.conf's settings, with every piece of podman state kept per node. File
  # locks: podman's default shared-memory locks are one table for the whole host.
  sed -n '/^\[containers\]/,$p' "$repo/conf/containers.conf" | grep -v '^#' >"$home/containers.conf"
  sed -i "s|^\[engine\]|[engine]\ntmp_dir = \"$home/tmp\"\nlock_type = \"file\"|; s|^\[network\]|[network]\nnetwork_config_dir = \"$home/networks\"|" \
    "$home/containers.conf"
  cat >"$home/orkest.yaml" <<EOF
api:
  address: 0.0.0.0
  port: $port
  token: "$(token)"
  tlsCertFile: $dir/tls.crt
  tlsKeyFile: $dir/tls.key
runtime:
  containersConf: $home/containers.conf
  network: orkest
  subnet: 10.42.0.0/24
  workers: $workers
cluster:
  nodeName: node$i
  nodeIP: $(node_ip "$i")
bootstrap:
  manifests: $repo/conf/manifests
storage:
  dataDir: $home/data
  sync: normal
EOF
}

write_kubeconfig() {
  cat >"$dir/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: $name
  cluster: {server: "https://$server_ip:$port", certificate-authority: "$dir/tls.crt"}
users:
- name: $name
  user: {token: "$(token)"}
contexts:
- name: $name
  context: {cluster: $name, user: $name}
current-context: $name
EOF
}

make_machine() {
  local i="$1" ns; ns="$(netns "$i")"
  ip netns add "$ns"
  ip link add "$ns" type veth peer name eth0 netns "$ns"
  ip link set "$ns" master "$bridge" up
  ip -n "$ns" addr add "$(node_ip "$i")/24" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" link set lo up
  # podman keeps its network state (aardvark-dns, IPAM) in /run/containers/networks and its
  # containers' network namespaces in /run/netns whatever its configuration says: each machine
  # gets its own of both through a mount namespace, gone with it.
  touch "$(mountns "$i")"
  unshare --mount="$(mountns "$i")" --propagation private true
  mkdir -p /run/containers/networks
  nsenter --mount="$(mountns "$i")" mount -t tmpfs -o mode=0755 "$ns" /run/containers/networks
  nsenter --mount="$(mountns "$i")" mount -t tmpfs -o mode=0755 "$ns" /run/netns
}

start_orkest() {
  local i="$1" home="$dir/node$1"
  local args=(--config "$home/orkest.yaml")
  if ((i > 1)); then
    args=(agent --server "https://$server_ip:$port" --token "$(token)" --ca-cert "$dir/tls.crt" --node-name "node$i" --node-ip "$(node_ip "$i")" "${args[@]}")
  fi
  # exec all the way down, so that $! is orkest's own pid (what kill and down signal).
  (
    export CONTAINERS_CONF="$home/containers.conf" CONTAINERS_STORAGE_CONF="$home/storage.conf"
    exec nsenter --net="/run/netns/$(netns "$i")" --mount="$(mountns "$i")" setsid "$binary" "${args[@]}"
  ) >>"$home/orkest.log" 2>&1 </dev/null &
  echo $! >"$home/pid"
}

api() {  # api PATH: GET from the server with the join token
  curl -sf --max-time 5 --cacert "$dir/tls.crt" -H "Authorization: Bearer $(token)" "https://$server_ip:$port$1"
}

node_ready() {
  api "/api/v1/nodes/node$1" 2>/dev/null |
    python3 -c 'import json,sys; c=[x for x in json.load(sys.stdin)["status"]["conditions"] if x["type"]=="Ready"]; sys.exit(0 if c and c[0]["status"]=="True" else 1)' 2>/dev/null
}

wait_ready() {  # wait_ready I SECONDS
  local deadline=$((SECONDS + $2))
  until node_ready "$1"; do
    if ! kill -0 "$(cat "$dir/node$1/pid")" 2>/dev/null; then
      tail -20 "$dir/node$1/orkest.log" >&2; die "node$1's orkest exited"
    fi
    ((SECONDS < deadline)) || { tail -20 "$dir/node$1/orkest.log" >&2; die "node$1 not Ready within $2 s"; }
    sleep 0.5
  done
}

up() {
  local n="$1"
  [[ "$n" =~ ^[0-9]+$ ]] && ((n >= 1 && n <= 20)) || die "up takes a node count from 1 to 20"
  [[ -x "$binary" ]] || die "no orkest binary at $binary (build first: bash scripts/build.sh)"
  [[ ! -e "$dir/nodes" ]] || die "a cluster is already up in $dir (scripts/cluster.sh down first)"
  ! ip link show "$bridge" >/dev/null 2>&1 ||
    die "the bridge $bridge exists: another cluster named $name is up (another ORKEST_CLUSTER_NAME, or down it)"
  mkdir -p "$dir/ns"
  echo "$n" >"$dir/nodes"
  head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$dir/token"
  # The server serves HTTPS: kubectl sends a token only over TLS.
  openssl req -x509 -newkey rsa:2048 -nodes -days 7 -subj "/CN=$name-server" \
    -addext "subjectAltName=IP:$server_ip,IP:127.0.0.1" -keyout "$dir/tls.key" -out "$dir/tls.crt" >/dev/null 2>&1 ||
    die "openssl could not make the server's certificate"
  write_kubeconfig
  mount --bind "$dir/ns" "$dir/ns"
  mount --make-private "$dir/ns"
  ip link add "$bridge" type bridge
  ip addr add "$net.1/24" dev "$bridge"
  ip link set "$bridge" up
  for ((i = 1; i <= n; i++)); do
    write_node_files "$i"
    make_machine "$i"
  done
  start_orkest 1
  wait_ready 1 300
  for ((i = 2; i <= n; i++)); do start_orkest "$i"; done
  for ((i = 2; i <= n; i++)); do wait_ready "$i" 120; done
  echo "cluster $name: $n nodes Ready, server https://$server_ip:$port (KUBECONFIG=$dir/kubeconfig)"
}

kill_node() {
  local i; i="$(node_index "$1")"
  kill -KILL "$(cat "$dir/node$i/pid")" 2>/dev/null || true
  in_node "$i" podman kill --all --signal KILL >/dev/null 2>&1 || true
  ip link set "$(netns "$i")" down
}

start_node() {
  local i; i="$(node_index "$1")"
  ! kill -0 "$(cat "$dir/node$i/pid")" 2>/dev/null || die "$1 is running"
  ip link set "$(netns "$i")" up
  start_orkest "$i"
  wait_ready "$i" 120
}

down() {
  # Only what this directory's cluster made: another one of the same name is left alone.
  [[ -e "$dir/nodes" ]] || return 0
  local n; n="$(node_count)"
  for ((i = n; i >= 1; i--)); do
    local pid ns; ns="$(netns "$i")"
    pid="$(cat "$dir/node$i/pid" 2>/dev/null || true)"
    # orkest first, gone for sure: alive, it would start the containers removed below again.
    if [[ -n "$pid" ]] && kill -TERM "$pid" 2>/dev/null; then
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    if [[ -e /run/netns/$ns ]]; then
      in_node "$i" podman rm --all --force --time 0 >/dev/null 2>&1 || true
      # What is left in the machine: aardvark-dns, conmon; then any container they left.
      for p in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null || true; done
      in_node "$i" podman rm --all --force --time 0 >/dev/null 2>&1 || true
    fi
    umount "$(mountns "$i")" 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
    ip link del "$ns" 2>/dev/null || true
  done
  ip link del "$bridge" 2>/dev/null || true
  umount "$dir/ns" 2>/dev/null || true
  rm -rf "$dir"
}

case "${1:-}" in
  up) up "${2:-}" ;;
  kill) kill_node "${2:-}" ;;
  start) start_node "${2:-}" ;;
  kubectl) shift; KUBECONFIG="$dir/kubeconfig" kubectl "$@" ;;
  exec) i="$(node_index "${2:-}")"; shift 2; in_node "$i" "$@" ;;
  env) printf 'ORKEST_SERVER=https://%s:%s\nORKEST_TOKEN=%s\nORKEST_CA=%s\nKUBECONFIG=%s\n' "$server_ip" "$port" "$(token)" "$dir/tls.crt" "$dir/kubeconfig" ;;
  down) down ;;
  *) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
