#!/usr/bin/env bash
# Edit-to-running benchmark: prints figures, asserts nothing.
#   On one KIND cluster that site.yml makes (interactive mode, so the pod is Ready without a login), an edit of the
#   image's entrypoint is timed to the new pod Ready, twice in the same run:
#     before: the image delivered whole with `kind load` (kind_cluster_image_delivery=load),
#     after:  its new layers pushed to the local registry the nodes pull from (the default).
#   Each is `ansible-playbook site.yml --tags image,kind,workload`, the README's path; the build, delivery and
#   rollout steps are read from the profile_tasks callback. The edit is a comment line, removed on exit.
# `make bench-edit-loop` prepares the venv, engine, mirror and binaries first.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
export ANSIBLE_CONFIG="$repo/ansible.cfg"
export ANSIBLE_CALLBACKS_ENABLED=ansible.posix.profile_tasks PROFILE_TASKS_TASK_OUTPUT_LIMIT=all
name=bench-loop
entrypoint=roles/image/files/entrypoint.sh
logs=${CIAB_BENCH_LOGS:-$(mktemp -d)}
log=$logs/site.log
saved=$(mktemp)
cp "$entrypoint" "$saved"
kind_bin=$(python3 tests/harness/gobuild.py kind 2>/dev/null)/kind
kind_dir=$(dirname "$kind_bin")
export PATH="$kind_dir:$PATH"
registry=ciab-bench-registry
trap 'cp "$saved" "$entrypoint"; rm -f "$saved"; "$kind_bin" delete cluster --name "$name" >/dev/null 2>&1 || true
  docker rm -f -v "$registry" >/dev/null 2>&1 || true' EXIT

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
run() { "$@" >"$log" 2>&1 || { tail -n 30 "$log" >&2; echo "bench: '$*' failed" >&2; exit 1; }; }
# the seconds profile_tasks gives the tasks whose name matches $1, summed
took() { awk -v re="$1" '/^=+ *$/ { table = 1; next } table && $0 ~ re && / -+ [0-9.]+s$/ {
  sub(/s$/, "", $NF); sum += $NF } END { printf "%.1f", sum }' "$log"; }

components=$(python3 tests/harness/node_components.py 2>/dev/null)
vars=(-e @tests/harness/group_vars/all.yml -e kind_cluster_name="$name" -e ciab_kubeconfig="$HOME/.kube/ciab-$name.yaml"
  -e ciab_mode=interactive -e kind_node_image_source=build -e kind_node_image_components_dir="$components"
  -e kind_cluster_registry_name="$registry" -e kind_cluster_registry_port=5002)

echo "== edit-to-running benchmark ($(date -u +%FT%TZ), $(nproc) cores)"
"$kind_bin" delete cluster --name "$name" >/dev/null 2>&1 || true
docker rm -f -v "$registry" >/dev/null 2>&1 || true  # its own registry, so the first push starts empty
t0=$(now); run ansible-playbook site.yml "${vars[@]}"; t1=$(now)
echo "site.yml on a new cluster (registry delivery, interactive, Ready): $(secs "$t0" "$t1") s"
echo "  first push of the images to an empty local registry: $(took 'Push the layers the registry lacks') s"

for delivery in load registry; do
  printf '\n# bench edit %s %s\n' "$delivery" "$(date +%s%N)" >>"$entrypoint"
  t0=$(now); run ansible-playbook site.yml --tags image,kind,workload "${vars[@]}" -e kind_cluster_image_delivery="$delivery"; t1=$(now)
  cp "$saved" "$entrypoint"
  cp "$log" "$logs/edit-$delivery.log"
  label=$([ "$delivery" = load ] && echo "before (kind load)    " || echo "after (local registry)")
  echo "entrypoint edit -> new pod Ready, $label: $(secs "$t0" "$t1") s"
  echo "    build $(took 'Build the image, '), deliver $(took 'Push the layers the registry lacks|Load the image where a node lacks it'),"\
    "rollout $(took 'Wait for the pod of the new revision|Wait for the StatefulSet to count the pod ready') (s);"\
    "the slowest tasks:"
  awk '/^=+ *$/ { table = 1; next } table && / -+ [0-9.]+s$/' "$log" | head -n 5 | sed 's/^/      /'
done
echo "logs: $logs"
