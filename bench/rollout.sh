#!/usr/bin/env bash
# Fleet rollout benchmark on test-bed clusters: prints wall times, asserts nothing.
#   T(1), T(3), T(6): playbooks/rollout.yml from empty namespaces to Ready on 1, 3 and 6 clusters (forks 6),
#   then the ratio T(6)/T(1). The image is built (cached) and pushed to the loopback registry before timing.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
export ANSIBLE_CONFIG="$repo/ansible.cfg"
work=$(mktemp -d)
names=(bench-r1 bench-r2 bench-r3 bench-r4 bench-r5 bench-r6)
trap 'rm -rf "$work"; python3 tests/harness/testbed.py down "${names[@]}" >/dev/null 2>&1 || true' EXIT

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

registry=$(python3 tests/harness/registry.py up)
mapfile -t kubeconfigs < <(python3 tests/harness/testbed.py up "${names[@]}" 2>/dev/null)

inventory() { # inventory of the first $1 clusters
  {
    echo "clusters:"
    echo "  vars: {ansible_connection: local, ansible_python_interpreter: '{{ ansible_playbook_python }}',"
    echo "         ciab_image_delivery: registry, ciab_registry: '$registry/ciab', ciab_namespace: claude}"
    echo "  hosts:"
    for i in $(seq 0 $(($1 - 1))); do
      ctx=$(awk '/^current-context:/ {print $2}' "${kubeconfigs[$i]}")
      echo "    ${names[$i]}: {ciab_kubeconfig: '${kubeconfigs[$i]}', ciab_context: '$ctx'}"
    done
  } >"$work/fleet-$1.yml"
  echo "$work/fleet-$1.yml"
}

clean() { # empty the namespaces, so each timing starts from nothing
  for i in $(seq 0 $(($1 - 1))); do
    "$(python3 tests/harness/testbed.py bin kubectl 2>/dev/null)" --kubeconfig "${kubeconfigs[$i]}" delete namespace claude \
      --ignore-not-found --wait=true >/dev/null
  done
}

run() {
  ansible-playbook playbooks/rollout.yml -i "$1" -e "@$repo/tests/harness/group_vars/all.yml" -e network_policy_probe=false --forks 6 \
    >"$work/log" 2>&1 || { tail -n 40 "$work/log" >&2; echo "bench: rollout failed" >&2; exit 1; }
}

echo "== rollout benchmark ($(date -u +%FT%TZ), $(nproc) cores, forks 6)"
echo "-- warm-up: build (cached) and push the image once"
run "$(inventory 1)"
declare -A t
for n in 1 3 6; do
  clean 6
  inv=$(inventory "$n")
  t0=$(now); run "$inv"; t1=$(now)
  t[$n]=$(secs "$t0" "$t1")
  echo "T($n) clusters:                 ${t[$n]} s"
done
awk -v a="${t[1]}" -v b="${t[6]}" 'BEGIN { printf "T(6)/T(1):                     %.2f (target at most 1.5)\n", b / a }'
