#!/usr/bin/env bash
# Ensure a Docker engine answers on this host, for air-gapped machines and our own CI.
# Uses a running engine when there is one; otherwise installs the distro's docker.io and starts dockerd
# in the background with a log file. Idempotent: a second call returns at once.
set -euo pipefail

LOG=${CIAB_DOCKERD_LOG:-/var/log/ciab-dockerd.log}
WAIT_SECONDS=${CIAB_DOCKERD_WAIT:-60}

say() { printf 'ensure-engine: %s\n' "$*" >&2; }

engine_answers() { docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

if engine_answers; then
  say "engine already running (server $(docker version --format '{{.Server.Version}}'))"
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

say "starting dockerd (log: $LOG)"
nohup dockerd >"$LOG" 2>&1 &
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
