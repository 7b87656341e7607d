#!/usr/bin/env bash
# Deploy benchmark on a test-bed cluster: prints figures, asserts nothing.
#   time from an empty namespace to Ready (rbac + workload + network_policy), and the time of a no-op re-run.
# `make bench-deploy` prepares the venv and the test bed binaries first.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
export ANSIBLE_CONFIG="$repo/ansible.cfg"
name=bench-deploy
log=$(mktemp)
trap 'rm -f "$log"; python3 tests/harness/testbed.py down "$name" >/dev/null 2>&1 || true' EXIT

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

t0=$(now)
kubeconfig=$(python3 tests/harness/testbed.py up "$name" 2>/dev/null | tail -n 1)
t1=$(now)
echo "== deploy benchmark ($(date -u +%FT%TZ), $(nproc) cores)"
echo "test bed cluster start:        $(secs "$t0" "$t1") s"

deploy() {
  ansible-playbook playbooks/deploy.yml -e ciab_kubeconfig="$kubeconfig" \
    -e workload_image=ciab/claude-in-a-box:0.1.0-bench -e network_policy_proxy_image=ciab/egress-proxy:0.1.0-bench \
    -e network_policy_probe=false "$@" >"$log" 2>&1 \
    || { tail -n 30 "$log" >&2; echo "bench: deploy failed" >&2; exit 1; }
  grep -E '^localhost' "$log" | sed 's/^/    /'
}

t0=$(now); deploy; t1=$(now)
echo "empty namespace -> Ready:      $(secs "$t0" "$t1") s"
t0=$(now); deploy; t1=$(now)
echo "no-op re-run:                  $(secs "$t0" "$t1") s"
t0=$(now); deploy -e ciab_tier=operator; t1=$(now)
echo "tier switch reader->operator:  $(secs "$t0" "$t1") s"
