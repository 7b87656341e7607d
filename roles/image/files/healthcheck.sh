#!/usr/bin/env bash
# Liveness and readiness for claude-in-a-box.
#   healthcheck.sh live   the entrypoint is alive, waiting for a login counts (no restart loop while
#                         somebody has yet to log in)
#   healthcheck.sh ready  (default) claude runs: the entrypoint handed over and the process is up; in
#                         self-hosted-runner mode also its own /healthz answers (it listens once registered)
set -euo pipefail

state_file=${CIAB_STATE_DIR:-/tmp/ciab}/state
check=${1:-ready}
state=$(cat "$state_file" 2>/dev/null || echo missing)

case "$check" in
  live)
    [ "$state" != failed ] || { echo "entrypoint failed"; exit 1; }
    echo "alive ($state)"
    ;;
  ready)
    if [ "$state" != running ]; then echo "not ready: $state"; exit 1; fi
    # PID 1 is tini; its child is claude once the entrypoint exec'd.
    if ! pgrep -x claude >/dev/null; then echo "not ready: claude is not running"; exit 1; fi
    if [ "${CLAUDE_MODE:-}" = self-hosted-runner ]; then
      port=${CLAUDE_RUNNER_HEALTH_PORT:-8080}
      case "$port" in '' | *[!0-9]*) echo "not ready: CLAUDE_RUNNER_HEALTH_PORT '$port' is not a port"; exit 1 ;; esac
      if ! body=$(curl -fsS --max-time 3 --noproxy '*' "http://127.0.0.1:$port/healthz" 2>&1); then
        echo "not ready: the runner's /healthz on port $port does not answer ($body)"
        exit 1
      fi
    fi
    echo "ready"
    ;;
  *)
    echo "usage: healthcheck.sh [live|ready]" >&2
    exit 64
    ;;
esac
