#!/usr/bin/env bash
# Image benchmark: prints figures, asserts nothing.
#   no-op re-run, warm rebuild after an entrypoint-only change, cold build (no layer cache; last, so its
#   fresh layers do not skew the warm figure), size (uncompressed, gzip'd docker save), docker stop time,
#   and what each layer adds.
# Builds with the same settings as the tests (tests/harness/group_vars/all.yml) unless CIAB_BENCH_VARS says
# otherwise; `make bench-image` prepares the engine and the mirror first. Extra ansible-playbook arguments may follow.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
export ANSIBLE_CONFIG="$repo/ansible.cfg"
# CIAB_BENCH_VARS: vars file of the build settings (empty: the role defaults, for hosts with internet)
vars_file=${CIAB_BENCH_VARS-$repo/tests/harness/group_vars/all.yml}
vars=(${vars_file:+-e "@$vars_file"} "$@")
log=$(mktemp)
scratch=$(mktemp -d)
trap 'rm -rf "$log" "$scratch"; docker rm -f ciab-bench-stop >/dev/null 2>&1 || true' EXIT

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
mib() { awk -v n="$1" 'BEGIN { printf "%.0f MiB", n / 1048576 }'; }

build() { # build from the collection at $1 (more ansible-playbook arguments may follow); prints the image reference
  local dir=$1
  shift
  (cd "$dir" && ansible-playbook "$dir/playbooks/build.yml" "${vars[@]}" "$@" -e image_build_dir="$scratch/ctx-$(basename "$dir")" >"$log" 2>&1) \
    || { tail -n 40 "$log" >&2; echo "bench: build failed" >&2; exit 1; }
  grep -oE 'ciab/claude-in-a-box:[0-9][0-9a-z.-]*' "$log" | head -n 1
}

echo "== image benchmark ($(date -u +%FT%TZ), $(nproc) cores)"
ref=$(build "$repo")
t0=$(now); build "$repo" >/dev/null; t1=$(now)
echo "no-op re-run (changed=0):     $(secs "$t0" "$t1") s"

echo "-- warm rebuild: a copy of the collection whose entrypoint differs by one comment line"
copy="$scratch/ciab_copy"
mkdir -p "$scratch/collections/ansible_collections/ciab"
git -C "$repo" ls-files -z | tar -C "$repo" --null -T - -c | (mkdir -p "$copy" && tar -C "$copy" -x)
echo "# bench $(date +%s%N)" >>"$copy/roles/image/files/entrypoint.sh"
ln -sfn "$copy" "$scratch/collections/ansible_collections/ciab/claude_in_a_box"
t0=$(now)
warm_ref=$(ANSIBLE_COLLECTIONS_PATH="$scratch/collections" build "$copy")
t1=$(now)
echo "warm rebuild (entrypoint):    $(secs "$t0" "$t1") s  ($warm_ref)"
docker rmi "$warm_ref" >/dev/null

echo "-- cold build: no layer cache (every download and apt install again), base image kept"
ref=$(build "$repo")
docker rmi -f "$ref" >/dev/null
t0=$(now); ref=$(build "$repo" -e image_build_nocache=true); t1=$(now)
echo "cold build:                   $(secs "$t0" "$t1") s  ($ref)"

size=$(docker image inspect --format '{{.Size}}' "$ref")
echo "-- size"
echo "uncompressed:                 $(mib "$size")"
gz=$(docker save "$ref" | gzip -1 | wc -c)
echo "docker save | gzip -1:        $(mib "$gz")"

echo "-- stop"
docker run -d --name ciab-bench-stop "$ref" >/dev/null
sleep 3
t0=$(now); docker stop -t 10 ciab-bench-stop >/dev/null; t1=$(now)
echo "docker stop (SIGTERM):        $(secs "$t0" "$t1") s, exit code $(docker inspect --format '{{.State.ExitCode}}' ciab-bench-stop)"

echo "-- layers (size added, step)"
docker history --no-trunc --format '{{.Size}}\t{{.CreatedBy}}' "$ref" \
  | awk -F'\t' '$1 != "0B" { step = $2; gsub(/\/bin\/sh -c (#\(nop\) )?/, "", step); printf "%10s  %s\n", $1, substr(step, 1, 110) }'
