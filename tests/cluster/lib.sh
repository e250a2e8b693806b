# Shared by the simulated-cluster tests: the kubectl tests' helpers (say, fail, k, expect_*,
# eventually), a cluster of its own (scripts/cluster.sh, named and addressed by the test so
# tests run side by side) and its removal on exit, whatever happened.
#
#   source "$(dirname "$0")/lib.sh"
#   cluster_test NAME NET ORKEST_BINARY   # e.g. orkt 10.250.1; sets KUBECONFIG
#   cluster up 3                          # scripts/cluster.sh with this test's cluster
source "$(dirname "${BASH_SOURCE[0]}")/../kubectl/lib.sh"

cluster() { bash "$KX_ROOT/scripts/cluster.sh" "$@"; }

cluster_cleanup() {
  local status=$?
  set +e
  trap - ERR
  kx_stop_background
  if [ "$status" -ne 0 ]; then
    k get pods -o wide >&2
    for log in "$ORKEST_CLUSTER_DIR"/node*/orkest.log; do
      echo "---- $log (last 30 lines) ----" >&2
      tail -n 30 "$log" >&2
    done
  fi
  cluster down
  if ip netns list | grep -q "^$ORKEST_CLUSTER_NAME-"; then
    echo "[$KX_NAME] namespaces left behind" >&2
    status=1
  fi
  return "$status"
}

cluster_test() {  # NAME NET ORKEST_BINARY
  export ORKEST_CLUSTER_NAME="$1" ORKEST_CLUSTER_NET="$2" ORKEST_CLUSTER_DIR="/tmp/$1-$$"
  export ORKEST_BINARY="$3"
  export KUBECONFIG="$ORKEST_CLUSTER_DIR/kubeconfig"
  trap cluster_cleanup EXIT
}
