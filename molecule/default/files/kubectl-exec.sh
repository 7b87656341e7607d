#!/usr/bin/env bash
# Stands in for the docker CLI of verify_tools: `kubectl-exec.sh exec POD CMD...` runs CMD in the pod.
set -euo pipefail
[ "${1:-}" = exec ] || { echo "usage: kubectl-exec.sh exec POD CMD..." >&2; exit 64; }
shift
pod=$1
shift
exec kubectl exec -n "${CIAB_NAMESPACE:-claude}" "$pod" -- "$@"
