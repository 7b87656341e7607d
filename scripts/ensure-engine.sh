#!/usr/bin/env bash
# Ensure a Docker engine answers on this host, for air-gapped machines and our own CI.
# Uses a running engine when there is one; otherwise installs the distro's docker.io and starts dockerd
# in the background with a log file. Idempotent: a second call returns at once.
# When this host's capability bounding set is short (privileged containers, hence KIND nodes, would fail),
# the engine is started with roles/kind_node_image/files/rootfs/usr/local/sbin/runc-capfilter as its default OCI runtime; full hosts skip it.
set -euo pipefail

LOG=${CIAB_DOCKERD_LOG:-/var/log/ciab-dockerd.log}
WAIT_SECONDS=${CIAB_DOCKERD_WAIT:-60}

say() { printf 'ensure-engine: %s\n' "$*" >&2; }

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WRAPPER=/usr/local/libexec/ciab/runc-capfilter
RUNTIME=ciab-runc-capfilter

engine_answers() { docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

# True when some capability up to cap_last_cap is missing from the bounding set.
bounding_set_short() {
  local bnd last
  bnd=$((16#$(awk '/^CapBnd:/ {print $2}' /proc/self/status)))
  last=$(cat /proc/sys/kernel/cap_last_cap)
  [ "$bnd" -ne $(((1 << (last + 1)) - 1)) ]
}

if engine_answers; then
  runtime=$(docker info --format '{{.DefaultRuntime}}')
  if bounding_set_short && [ "$runtime" != "$RUNTIME" ]; then
    say "WARNING: the engine runs with runtime '$runtime' but this host's capability bounding set is short:"
    say "privileged containers (KIND nodes) will fail; restart dockerd through this script to fix it"
  fi
  say "engine already running (server $(docker version --format '{{.Server.Version}}'), runtime $runtime)"
  exit 0
fi

if ! command -v dockerd >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then
    say "no Docker engine and not root: install Docker (or run this as root to install docker.io)"; exit 1
  fi
  say "installing the distro's docker.io"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq docker.io >/dev/null
fi
if ! command -v docker >/dev/null 2>&1; then
  say "dockerd is installed but there is no docker CLI"; exit 1
fi

runtime_args=()
if bounding_set_short; then
  if ! command -v jq >/dev/null 2>&1; then
    say "installing jq (the runtime wrapper edits OCI specs with it)"
    apt-get install -y -qq jq >/dev/null || { apt-get update -qq && apt-get install -y -qq jq >/dev/null; }
  fi
  install -D -m 0755 "$HERE/../roles/kind_node_image/files/rootfs/usr/local/sbin/runc-capfilter" "$WRAPPER"
  runtime_args=(--add-runtime "$RUNTIME=$WRAPPER" --default-runtime "$RUNTIME")
  say "capability bounding set is short ($(awk '/^CapBnd:/ {print $2}' /proc/self/status)):" \
    "default runtime $RUNTIME drops what the host lacks"
fi

say "starting dockerd (log: $LOG)"
nohup dockerd "${runtime_args[@]}" >"$LOG" 2>&1 &
for _ in $(seq "$WAIT_SECONDS"); do
  if engine_answers; then
    say "engine ready (server $(docker version --format '{{.Server.Version}}'))"
    exit 0
  fi
  sleep 1
done
say "dockerd did not answer within ${WAIT_SECONDS}s; last log lines:"
tail -n 20 "$LOG" >&2
exit 1
