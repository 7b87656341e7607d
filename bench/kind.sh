#!/usr/bin/env bash
# KIND benchmark: prints figures, asserts nothing.
#   offline node image build (binaries cached), `kind create cluster` (1 control plane + 2 workers),
#   `kind load docker-image` of the product image, site.yml wall time on a fresh cluster (cold: a first deploy in
#   the default mode, which ends with the pod waiting for its first login) and re-run (warm).
# The node image is built offline (kind_node_image_source=build) unless CIAB_KIND_NODE_SOURCE=pull.
# `make bench-kind` prepares the venv, engine, mirror and binaries first.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
export ANSIBLE_CONFIG="$repo/ansible.cfg"
name=bench-kind
log=$(mktemp)
kind_bin=$(python3 tests/harness/gobuild.py kind 2>/dev/null)/kind
kubectl_dir=$(python3 tests/harness/gobuild.py kubernetes 2>/dev/null)
kind_dir=$(dirname "$kind_bin")
export PATH="$kind_dir:$kubectl_dir:$PATH"
trap 'rm -f "$log"; "$kind_bin" delete cluster --name "$name" >/dev/null 2>&1 || true' EXIT

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
run() { "$@" >"$log" 2>&1 || { tail -n 30 "$log" >&2; echo "bench: '$*' failed" >&2; exit 1; }; }

source=${CIAB_KIND_NODE_SOURCE:-build}
vars=(-e @tests/harness/group_vars/all.yml -e kind_cluster_name="$name"
  -e ciab_kubeconfig="$HOME/.kube/ciab-$name.yaml" -e kind_node_image_source="$source")
if [ "$source" = build ]; then
  components=$(python3 tests/harness/node_components.py 2>/dev/null)
  vars+=(-e kind_node_image_components_dir="$components")
fi

echo "== KIND benchmark ($(date -u +%FT%TZ), $(nproc) cores, node image: $source)"
run ansible-playbook site.yml --tags image "${vars[@]}"
image=$(docker images --format '{{.Repository}}:{{.Tag}}' ciab/claude-in-a-box | head -n 1)

if [ "$source" = build ]; then
  base=$(docker images --format '{{.Repository}}:{{.Tag}}' ciab/debian-base | grep -- '-r' | head -n 1)
  node=$(roles/kind_node_image/files/build.sh --components "$components" --base "$base" --check | tail -n 1)
  node=${node#image=}
  node=${node%% *}
  docker image rm "$node" >/dev/null 2>&1 || true
  t0=$(now); run roles/kind_node_image/files/build.sh --components "$components" --base "$base"; t1=$(now)
  echo "node image build (binaries cached):  $(secs "$t0" "$t1") s  ($(docker image inspect -f '{{.Size}}' "$node" | awk '{printf "%d MiB", $1 / 1048576}'))"
else
  node=$(python3 -c 'import yaml; print(yaml.safe_load(open("roles/kind_node_image/defaults/main.yml"))["kind_node_image_upstream"])')
fi

config=$(mktemp)
printf 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n  - role: control-plane\n  - role: worker\n  - role: worker\n' >"$config"
"$kind_bin" delete cluster --name "$name" >/dev/null 2>&1 || true
t0=$(now); run "$kind_bin" create cluster --name "$name" --image "$node" --config "$config" --wait 300s; t1=$(now)
echo "kind create cluster (3 nodes, Ready): $(secs "$t0" "$t1") s"
rm -f "$config"
t0=$(now); run "$kind_bin" load docker-image "$image" --name "$name"; t1=$(now)
echo "kind load docker-image ($(docker image inspect -f '{{.Size}}' "$image" | awk '{printf "%d MiB", $1 / 1048576}')):  $(secs "$t0" "$t1") s"
"$kind_bin" delete cluster --name "$name" >/dev/null

t0=$(now); run ansible-playbook site.yml "${vars[@]}"; t1=$(now)
state=$(grep -q 'waits for its first claude.ai login' "$log" && echo waiting-for-login || echo ready)
echo "site.yml cold (no cluster), ends $state: $(secs "$t0" "$t1") s"
grep -E '^localhost' "$log" | sed 's/^/    /'
t0=$(now); run ansible-playbook site.yml "${vars[@]}"; t1=$(now)
echo "site.yml warm (re-run):               $(secs "$t0" "$t1") s"
grep -E '^localhost' "$log" | sed 's/^/    /'
