#!/usr/bin/env bash
# Liveness and readiness for claude-in-a-box.
#   healthcheck.sh live   the entrypoint is alive, waiting for a login counts (no restart loop while
#                         somebody has yet to log in)
#   healthcheck.sh ready  (default) claude runs: the entrypoint handed over and the process is up
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
    echo "ready"
    ;;
  *)
    echo "usage: healthcheck.sh [live|ready]" >&2
    exit 64
    ;;
esac
