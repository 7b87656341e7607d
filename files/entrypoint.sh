#!/usr/bin/env bash
# claude-in-a-box entrypoint. tini is PID 1 and forwards signals; this script prepares Claude's config
# directory and then execs claude, so claude itself receives SIGTERM.
#
# Modes (CLAUDE_MODE):
#   remote-control  `claude remote-control`: a persistent server that accepts sessions from claude.ai/code
#                   and the mobile app. Needs a claude.ai login on the volume; no TTY.
#   interactive     plain `claude`; needs a terminal (docker run -it, kubectl attach -it).
#   headless        `claude -p` with the prompt from CLAUDE_PROMPT or CLAUDE_PROMPT_FILE, stream-json out.
set -euo pipefail

readonly VALID_MODES="remote-control interactive headless"
readonly EX_USAGE=64 EX_CONFIG=78

mode=${CLAUDE_MODE:-remote-control}
export CLAUDE_CONFIG_DIR=${CLAUDE_CONFIG_DIR:-$HOME/.claude}
workspace=${CLAUDE_WORKSPACE:-$HOME/workspace}
state_dir=${CIAB_STATE_DIR:-/tmp/ciab}
credential_timeout=${CLAUDE_CREDENTIAL_TIMEOUT:-0}
pod_name=${CIAB_POD_NAME:-claude-agent-0}
namespace=${CIAB_NAMESPACE:-claude}

# The login and Claude's state are the claude user's alone.
umask 077

log() { printf 'ciab: %s\n' "$*" >&2; }
state() { printf '%s\n' "$1" >"$state_dir/state"; }
die() { local code=$1; shift; log "$*"; state "failed"; exit "$code"; }

mkdir -p "$state_dir" "$CLAUDE_CONFIG_DIR" "$workspace"
state "starting"

case " $VALID_MODES " in
  *" $mode "*) ;;
  *) die "$EX_USAGE" "unknown CLAUDE_MODE '$mode'; valid modes: ${VALID_MODES// /, }" ;;
esac

# --- Claude's own config: onboarding done, workspace trusted, MCP server registered -------------------
# Claude keeps login and state in <config dir>/.claude.json when CLAUDE_CONFIG_DIR is set, so the one
# volume mounted there holds everything. A fresh file would stop at the first-run wizard and at the trust
# prompt, neither of which can be answered without a terminal.
mcp_config=${CIAB_MCP_CONFIG:-}
if [ -z "$mcp_config" ]; then
  mcp_config="$state_dir/mcp.json"
  read_only=${CIAB_MCP_READ_ONLY:-true}
  args='"--toolsets", "core", "--cluster-provider", "in-cluster"'
  if [ "$read_only" = true ]; then args="\"--read-only\", \"--disable-destructive\", $args"; fi
  if [ -n "${CIAB_MCP_SERVER_CONFIG:-}" ]; then args="$args, \"--config\", \"$CIAB_MCP_SERVER_CONFIG\""; fi
  printf '{"mcpServers": {"kubernetes": {"command": "kubernetes-mcp-server", "args": [%s]}}}\n' "$args" >"$mcp_config"
fi
[ -r "$mcp_config" ] || die "$EX_CONFIG" "MCP config '$mcp_config' (CIAB_MCP_CONFIG) is not readable"

settings=${CLAUDE_SETTINGS:-}
if [ -n "$settings" ] && [ ! -r "$settings" ]; then
  die "$EX_CONFIG" "settings file '$settings' (CLAUDE_SETTINGS) is not readable"
fi

config_json="$CLAUDE_CONFIG_DIR/.claude.json"
[ -s "$config_json" ] || echo '{}' >"$config_json"
tmp=$(mktemp "$CLAUDE_CONFIG_DIR/.claude.json.XXXXXX")
# Remote Control takes no --mcp-config, so the server is also registered at user scope (which needs no
# per-project approval); the other modes pass the file with --strict-mcp-config. The deploy's servers replace
# whatever the volume holds, at user and project scope: an MCP server the agent added to its own config does not
# come back after a restart.
if ! jq --arg ws "$workspace" --slurpfile mcp "$mcp_config" '
      .hasCompletedOnboarding = true
    | .projects[$ws].hasTrustDialogAccepted = true
    | .projects[$ws].hasCompletedProjectOnboarding = true
    | .projects |= with_entries(.value |= del(.mcpServers))
    | .mcpServers = $mcp[0].mcpServers' "$config_json" >"$tmp"; then
  rm -f "$tmp"
  die "$EX_CONFIG" "$config_json is not valid JSON; fix or remove it (the login is in .credentials.json beside it)"
fi
mv "$tmp" "$config_json"
chmod 600 "$config_json"

# --- credentials -------------------------------------------------------------------------------------
credentials_file="$CLAUDE_CONFIG_DIR/.credentials.json"
has_login() { [ -s "$credentials_file" ]; }

if [ "$mode" = remote-control ]; then
  for var in CLAUDE_CODE_OAUTH_TOKEN ANTHROPIC_API_KEY; do
    if [ -n "${!var:-}" ]; then
      log "ignoring $var in remote-control mode: Remote Control needs a full claude.ai login, and a setup-token or API key in the environment turns it off"
      unset "$var"
    fi
  done
fi

usable_credential() {
  case "$mode" in
    remote-control) has_login ;;
    *) [ -n "${CLAUDE_CODE_OAUTH_TOKEN:-}" ] || [ -n "${ANTHROPIC_API_KEY:-}" ] || has_login ;;
  esac
}

login_help() {
  log "no usable credential for mode '$mode'. Log in once; the login is kept on the volume at $CLAUDE_CONFIG_DIR:"
  log "  Kubernetes: kubectl exec -it $pod_name -n $namespace -- claude auth login"
  log "  Docker:     docker exec -it <container> claude auth login"
  if [ "$mode" != remote-control ]; then
    log "  or, for headless use, put a token from 'claude setup-token' in a Secret exposed as CLAUDE_CODE_OAUTH_TOKEN"
  fi
  log "waiting for $credentials_file (not ready until it appears)"
}

if [ "$mode" != interactive ] && ! usable_credential; then
  state "waiting-for-login"
  login_help
  trap 'log "stopped while waiting for a login"; exit 0' TERM INT
  waited=0
  until usable_credential; do
    if [ "$credential_timeout" -gt 0 ] && [ "$waited" -ge "$credential_timeout" ]; then
      die "$EX_CONFIG" "no credential after ${credential_timeout}s (CLAUDE_CREDENTIAL_TIMEOUT); giving up"
    fi
    sleep 2 &
    wait $! || true
    waited=$((waited + 2))
  done
  trap - TERM INT
  log "credential found"
fi
# a login written by another tool (or restored from a backup) may be group- or world-readable
if [ -e "$credentials_file" ]; then chmod 600 "$credentials_file"; fi

# --- run -----------------------------------------------------------------------------------------------
cd "$workspace"
permission_mode=${CLAUDE_PERMISSION_MODE:-default}
case "$mode" in
  remote-control)
    cmd=(claude remote-control --name "${CLAUDE_RC_NAME:-$pod_name}" --spawn "${CLAUDE_RC_SPAWN:-same-dir}"
         --permission-mode "$permission_mode")
    if [ -n "${CLAUDE_RC_CAPACITY:-}" ]; then cmd+=(--capacity "$CLAUDE_RC_CAPACITY"); fi
    ;;
  interactive)
    if [ ! -t 0 ] || [ ! -t 1 ]; then
      die "$EX_USAGE" "interactive mode needs a terminal: use 'docker run -it', or 'stdin: true' and 'tty: true' with 'kubectl attach -it'"
    fi
    cmd=(claude --mcp-config "$mcp_config" --strict-mcp-config --permission-mode "$permission_mode")
    ;;
  headless)
    prompt=${CLAUDE_PROMPT:-}
    if [ -z "$prompt" ] && [ -n "${CLAUDE_PROMPT_FILE:-}" ]; then
      [ -r "$CLAUDE_PROMPT_FILE" ] || die "$EX_USAGE" "prompt file '$CLAUDE_PROMPT_FILE' (CLAUDE_PROMPT_FILE) is not readable"
      prompt=$(cat "$CLAUDE_PROMPT_FILE")
    fi
    [ -n "$prompt" ] || die "$EX_USAGE" "headless mode needs a prompt: set CLAUDE_PROMPT or CLAUDE_PROMPT_FILE"
    # stream-json in print mode is refused without --verbose.
    cmd=(claude -p --output-format stream-json --verbose --mcp-config "$mcp_config" --strict-mcp-config
         --permission-mode "$permission_mode")
    ;;
esac
if [ -n "$settings" ]; then cmd+=(--settings "$settings"); fi
# The prompt goes last, after --: a prompt such as "--help" or "--dangerously-skip-permissions" stays a prompt.
if [ "$mode" = headless ]; then cmd+=(-- "$prompt"); fi

state "running"
log "mode $mode: exec ${cmd[0]} ${cmd[1]:-}"
exec "${cmd[@]}"
