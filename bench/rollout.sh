#!/usr/bin/env bash
# Fleet rollout benchmark on test-bed clusters: prints wall times and the controller's CPU, asserts nothing.
#   T(1), T(3), T(6): playbooks/rollout.yml from empty namespaces to Ready on 1, 3 and 6 clusters (forks 6),
#   then the ratio T(6)/T(1), then a no-op re-run on 6. Beside each: the controller's CPU seconds per cluster
#   (user + system of ansible-playbook and everything it ran; the test beds' API servers are not its children).
#   The image is built (cached) and pushed to the loopback registry before timing.
#   CIAB_BENCH_BEFORE=<git revision> measures that revision first, from a worktree, then this checkout: before and
#   after in one run on one machine.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
export ANSIBLE_CONFIG="$repo/ansible.cfg"
work=$(mktemp -d)
names=(bench-r1 bench-r2 bench-r3 bench-r4 bench-r5 bench-r6)
trap 'git worktree remove --force "$work/before" >/dev/null 2>&1 || true; rm -rf "$work";
  python3 tests/harness/testbed.py down "${names[@]}" >/dev/null 2>&1 || true' EXIT

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

clean() { # empty the namespaces, so each timing starts from nothing; hand their volumes back to the pool
  local kubectl
  kubectl=$(python3 tests/harness/testbed.py bin kubectl 2>/dev/null)
  for i in $(seq 0 $(($1 - 1))); do
    "$kubectl" --kubeconfig "${kubeconfigs[$i]}" delete namespace claude --ignore-not-found --wait=true >/dev/null
    "$kubectl" --kubeconfig "${kubeconfigs[$i]}" get pv -o name | while read -r pv; do
      "$kubectl" --kubeconfig "${kubeconfigs[$i]}" patch "$pv" --type json \
        -p '[{"op": "remove", "path": "/spec/claimRef"}]' >/dev/null 2>&1 || true
    done
  done
}

# rollout on inventory $2 from tree $1; prints the controller's CPU seconds (it and all it waited for)
run() {
  (cd "$1" && ANSIBLE_CONFIG="$1/ansible.cfg" python3 -c '
import resource, subprocess, sys
with open(sys.argv[1], "w") as log:
    rc = subprocess.run(sys.argv[2:], stdout=log, stderr=subprocess.STDOUT, check=False).returncode
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print("%.1f" % (usage.ru_utime + usage.ru_stime))
sys.exit(rc)' "$work/log" ansible-playbook playbooks/rollout.yml -i "$2" -e "@$repo/tests/harness/group_vars/all.yml" \
    -e network_policy_probe=false --forks 6) || { tail -n 40 "$work/log" >&2; echo "bench: rollout failed" >&2; exit 1; }
}

per() { awk -v a="$1" -v n="$2" 'BEGIN { printf "%.2f", a / n }'; }

measure() { # $1: label, $2: tree
  local n t0 t1 cpu
  declare -A t
  echo "-- $1"
  run "$2" "$(inventory 1)" >/dev/null  # warm-up: build (cached) and push the image once
  for n in 1 3 6; do
    clean 6
    t0=$(now); cpu=$(run "$2" "$(inventory "$n")"); t1=$(now)
    t[$n]=$(secs "$t0" "$t1")
    echo "T($n) clusters:                 ${t[$n]} s   controller CPU $(per "$cpu" "$n") s per cluster"
  done
  awk -v a="${t[1]}" -v b="${t[6]}" 'BEGIN { printf "T(6)/T(1):                     %.2f (target at most 1.5)\n", b / a }'
  t0=$(now); cpu=$(run "$2" "$(inventory 6)"); t1=$(now)
  echo "no-op re-run, 6 clusters:      $(secs "$t0" "$t1") s   controller CPU $(per "$cpu" 6) s per cluster"
}

echo "== rollout benchmark ($(date -u +%FT%TZ), $(nproc) cores, forks 6)"
if [ -n "${CIAB_BENCH_BEFORE:-}" ]; then
  before="$work/before"
  git worktree add --detach --quiet "$before" "$CIAB_BENCH_BEFORE"
  mkdir -p "$before/.collections/ansible_collections/ciab"
  ln -s ../../.. "$before/.collections/ansible_collections/ciab/claude_in_a_box"
  measure "before: $(git rev-parse --short "$CIAB_BENCH_BEFORE")" "$before"
fi
measure "after: this checkout ($(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo ', changed'))" "$repo"
