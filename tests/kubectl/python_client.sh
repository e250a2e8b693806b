#!/usr/bin/env bash
# The official Python client (python3-kubernetes) against a real orkest (runtime fake): see
# python_client.py.
#
# usage: tests/kubectl/python_client.sh [path/to/orkest]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
PYTHON=/usr/bin/python3  # Debian's, which has python3-kubernetes (not a pyenv one)
"$PYTHON" -c 'import kubernetes' 2>/dev/null || fail "python3-kubernetes is not installed (scripts/setup.sh)"
kx_start "${1:-$KX_ROOT/build/orkest}"
timeout 120 "$PYTHON" "$(dirname "${BASH_SOURCE[0]}")/python_client.py" "$KUBECONFIG"
say "ok"
