#!/usr/bin/env bash
# Egress proxy benchmark: prints figures, asserts nothing.
#   The latency the egress proxy adds to one model request: the same POST /v1/messages to the scripted model
#   (tests/harness/model.py, on loopback), direct and through the proxy image (Squid, run with the squid.conf the
#   chart renders, allowing only the model's name), N times each; prints the median and the 90th percentile.
# Usage: bench/egress_proxy.sh [PROXY_IMAGE] [N]   (default: the newest ciab/egress-proxy image, 50 requests)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
image=${1:-$(docker images ciab/egress-proxy --format '{{.Repository}}:{{.Tag}}' | head -n 1)}
count=${2:-50}
[ -n "$image" ] || { echo "bench: no ciab/egress-proxy image; build it first (make build)" >&2; exit 1; }
helm=$(python3 tests/harness/gobuild.py helm 2>/dev/null | tail -n 1)/helm
port=18097
proxy_port=13128
scratch=$(mktemp -d)
container=ciab-bench-egress-proxy
trap 'docker rm -f "$container" >/dev/null 2>&1 || true; python3 tests/harness/model.py down --name bench-egress >/dev/null 2>&1 || true; rm -rf "$scratch"' EXIT

# the chart's squid.conf, with the proxy moved to a free loopback port and only the model's name allowed
printf '%s' '{"agent": {"enabled": false}, "rbac": {"create": false}, "serviceAccount": {"create": false},
  "networkPolicy": {"enabled": false},
  "egress": {"hosts": ["localhost"], "ports": ['"$port"'], "proxy": {"image": {"tag": "bench"}}}}' \
  | "$helm" template bench charts/claude-in-a-box -f - --show-only templates/egress-proxy.yaml 2>/dev/null \
  | python3 -c 'import sys, yaml; print(next(d for d in yaml.safe_load_all(sys.stdin) if d and d["kind"] == "ConfigMap")["data"]["squid.conf"])' \
  | sed "s/^http_port 3128$/http_port 127.0.0.1:$proxy_port/" >"$scratch/squid.conf"

url=$(python3 tests/harness/model.py up --name bench-egress --port "$port" --scripts molecule/image/files/model --record "$scratch/record.jsonl" | tail -n 1)
url=${url/127.0.0.1/localhost}
docker run -d --name "$container" --network host --read-only --tmpfs /tmp --tmpfs /var/run --tmpfs /var/spool/squid \
  --tmpfs /var/log/squid --cap-drop ALL --security-opt no-new-privileges -v "$scratch/squid.conf:/etc/ciab-proxy/squid.conf:ro" \
  "$image" >/dev/null
for _ in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$proxy_port" && break; sleep 0.2; done

body='{"model": "headless-default", "max_tokens": 16, "stream": true, "messages": [{"role": "user", "content": "hi"}]}'
measure() { # $1: label, then curl arguments; prints label, median and p90 in milliseconds
  local label=$1
  shift
  for _ in $(seq 1 "$count"); do
    curl -s -o /dev/null -w '%{time_total} %{http_code}\n' -H 'content-type: application/json' -H 'x-api-key: bench' \
      --data "$body" "$@" "$url/v1/messages?beta=true"
  done | sort -n | awk -v label="$label" '{ t[NR] = $1 * 1000; codes[$2]++ } END {
    for (c in codes) seen = seen sprintf(" HTTP %s x%d", c, codes[c])
    printf "%-28s median %6.1f ms   p90 %6.1f ms   (%d requests:%s)\n", label, t[int((NR + 1) / 2)], t[int(NR * 0.9)], NR, seen }'
}
echo "egress proxy: $image"
measure "direct" --noproxy '*'
measure "through the egress proxy" --proxy "http://127.0.0.1:$proxy_port"
