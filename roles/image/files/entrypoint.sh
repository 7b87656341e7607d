#!/usr/bin/env bash
# claude-in-a-box entrypoint. tini is PID 1 and forwards signals; this script prepares Claude's config
# directory and then execs claude, so claude itself receives SIGTERM.
#
# Modes (CLAUDE_MODE):
#   remote-control  `claude remote-control`: a persistent server that accepts sessions from claude.ai/code
#                   and the mobile app. Needs a claude.ai login on the volume; no TTY.
#   interactive     plain `claude`; needs a terminal (docker run -it, kubectl attach -it).
#   headless        `claude -p` with the prompt from CLAUDE_PROMPT or CLAUDE_PROMPT_FILE, stream-json out.
#   self-hosted-runner
#                   `claude self-hosted-runner` (Team and Enterprise): this container hosts web, desktop and
#                   mobile sessions. Its environment secret is a file (CLAUDE_RUNNER_SECRET_FILE, a mounted
#                   Kubernetes or Compose secret), never a variable; /healthz on CLAUDE_RUNNER_HEALTH_PORT.
set -euo pipefail

readonly VALID_MODES="remote-control interactive headless self-hosted-runner"
readonly EX_USAGE=64 EX_CONFIG=78

mode=${CLAUDE_MODE:-remote-control}
export CLAUDE_CONFIG_DIR=${CLAUDE_CONFIG_DIR:-$HOME/.claude}
workspace=${CLAUDE_WORKSPACE:-$HOME/workspace}
state_dir=${CIAB_STATE_DIR:-/tmp/ciab}
credential_timeout=${CLAUDE_CREDENTIAL_TIMEOUT:-0}
pod_name=${CIAB_POD_NAME:-claude-agent-0}
namespace=${CIAB_NAMESPACE:-claude}
runner_secret_file=${CLAUDE_RUNNER_SECRET_FILE:-/run/secrets/ciab-runner/environment-secret}

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

# A number that goes onto claude's command line: digits only, so no value can become an option.
number() {
  local name=$1 value=${!1:-}
  case "$value" in
    '' | *[!0-9]*) die "$EX_USAGE" "$name must be a whole number of 0 or more, not '$value'" ;;
  esac
}

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

case "$mode" in
  remote-control) why="Remote Control needs a full claude.ai login, and a setup-token or API key in the environment turns it off" ;;
  self-hosted-runner) why="a runner's sessions get their model credential from Anthropic, and this one would reach every session's tools" ;;
  *) why="" ;;
esac
if [ -n "$why" ]; then
  for var in CLAUDE_CODE_OAUTH_TOKEN ANTHROPIC_API_KEY; do
    if [ -n "${!var:-}" ]; then
      log "ignoring $var in $mode mode: $why"
      unset "$var"
    fi
  done
fi
if [ "$mode" = self-hosted-runner ]; then
  # A variable would sit in /proc/<pid>/environ of tini and of every process the sessions start.
  for var in SELF_HOSTED_RUNNER_ENVIRONMENT_SECRET SELF_HOSTED_RUNNER_POOL_SECRET; do
    if [ -n "${!var:-}" ]; then
      die "$EX_CONFIG" "$var is set: the runner's environment secret must be a file (mount a Secret at $runner_secret_file, or set CLAUDE_RUNNER_SECRET_FILE), never a variable"
    fi
  done
  for var in CLAUDE_RUNNER_HEALTH_PORT CLAUDE_RUNNER_CAPACITY CLAUDE_RUNNER_EXIT_IF_UNUSED_MIN \
             CLAUDE_RUNNER_RELEASE_IDLE_SESSION_MIN CLAUDE_RUNNER_KILL_SESSION_AFTER_MIN CLAUDE_RUNNER_DRAIN_WAIT_SEC; do
    if [ -n "${!var:-}" ]; then number "$var"; fi
  done
fi

# The credential broker (Kubernetes: the interactive pod and ask Jobs). Another container of the pod, with its own
# user and mounts, holds the credential and adds it to each model request claude sends it on loopback. claude gets
# the broker's address and a placeholder of the credential's kind, so no process of this container (the agent's)
# holds a token.
broker=${CIAB_CREDENTIAL_BROKER:-}
broker_why=""
readonly BROKER_PLACEHOLDER=ciab-credential-broker
broker_credential() {
  local out code
  out=$(curl -sS --noproxy '*' --max-time 3 -w '\n%{http_code}' "$broker/.ciab/kind" 2>&1) || {
    broker_why="it does not answer (${out//$'\n'/ })"; return 1; }
  code=${out##*$'\n'}
  out=${out%%$'\n'*}
  if [ "$code" != 200 ]; then broker_why=$out; return 1; fi
  case "$out" in
    api-key) export ANTHROPIC_API_KEY=$BROKER_PLACEHOLDER ;;
    oauth) export CLAUDE_CODE_OAUTH_TOKEN=$BROKER_PLACEHOLDER ;;
    *) broker_why="it answered '$out', not api-key or oauth"; return 1 ;;
  esac
}
if [ -n "$broker" ] && { [ "$mode" = interactive ] || [ "$mode" = headless ]; }; then
  [[ "$broker" =~ ^http://127\.0\.0\.1:[0-9]{1,5}$ ]] \
    || die "$EX_CONFIG" "CIAB_CREDENTIAL_BROKER '$broker' is not http://127.0.0.1:<port>: the broker is reached on loopback only"
  # A credential given as a variable besides the broker sits in /proc of tini (PID 1) and of everything the agent
  # runs, where no unset reaches: refuse to start rather than pretend it is out of reach.
  for var in CLAUDE_CODE_OAUTH_TOKEN ANTHROPIC_API_KEY ANTHROPIC_AUTH_TOKEN; do
    if [ -n "${!var:-}" ]; then
      die "$EX_CONFIG" "$var is set in the container's environment, beside the credential broker: PID 1 keeps it where the agent can read it; give it to the broker only (the credentials Secret, or Compose's credentials.env), never as a variable of this container"
    fi
  done
  if [ -n "${ANTHROPIC_BASE_URL:-}" ] && [ "$ANTHROPIC_BASE_URL" != "$broker" ]; then
    log "ignoring ANTHROPIC_BASE_URL '$ANTHROPIC_BASE_URL': model requests go through the credential broker (its upstream: workload_model_upstream, or the chart's credentials.broker.upstream)"
  fi
  export ANTHROPIC_BASE_URL=$broker
  # loopback, never through a proxy
  for var in NO_PROXY no_proxy; do
    case ",${!var:-}," in
      *,127.0.0.1,*) ;;
      *) export "$var=${!var:+${!var},}127.0.0.1" ;;
    esac
  done
  if broker_credential; then
    log "model requests go through the credential broker at $broker (claude holds a placeholder, not the credential)"
    # An API key in the environment makes interactive claude ask whether to use it (default: no). The deploy chose
    # this one; approving the placeholder (by its last 20 characters, as claude records keys) approves nothing else.
    if [ "${ANTHROPIC_API_KEY:-}" = "$BROKER_PLACEHOLDER" ]; then
      tmp=$(mktemp "$CLAUDE_CONFIG_DIR/.claude.json.XXXXXX")
      if jq --arg key "${BROKER_PLACEHOLDER: -20}" \
          '.customApiKeyResponses.approved = ((.customApiKeyResponses.approved // []) + [$key] | unique)' \
          "$config_json" >"$tmp"; then
        mv "$tmp" "$config_json"
        chmod 600 "$config_json"
      else
        rm -f "$tmp"
      fi
    fi
  else
    log "the credential broker at $broker has no credential yet: $broker_why"
  fi
else
  broker=""
fi

# A setup-token lives a year, and headless runs stop the day it ends: say so at every start from 30 days before
# (the Secret the roles and the chart write carries its end as CIAB_OAUTH_TOKEN_EXPIRES_AT).
# With the broker, the Secret it mounts holds the token (this container only knows its end, which the Secret carries
# only beside a setup-token), whichever credential the broker hands on first.
token_end=${CIAB_OAUTH_TOKEN_EXPIRES_AT:-}
if { [ -n "${CLAUDE_CODE_OAUTH_TOKEN:-}" ] || [ -n "$broker" ]; } && [ -n "$token_end" ]; then
  if [[ ! $token_end =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]] || ! end_s=$(date -u -d "$token_end" +%s 2>/dev/null); then
    log "warning: CIAB_OAUTH_TOKEN_EXPIRES_AT '$token_end' is not a date (YYYY-MM-DD); the setup-token's end is unknown"
  else
    days_left=$(( (end_s - $(date -u +%s)) / 86400 ))
    renew="make a new one with 'claude setup-token' and deploy it (workload_oauth_token)"
    if [ "$end_s" -le "$(date -u +%s)" ]; then
      log "warning: the setup-token in CLAUDE_CODE_OAUTH_TOKEN expired on $token_end; $renew"
    elif [ "$days_left" -le 30 ]; then
      log "warning: the setup-token in CLAUDE_CODE_OAUTH_TOKEN expires on $token_end, in $days_left days; $renew"
    fi
  fi
fi

usable_credential() {
  case "$mode" in
    remote-control) has_login ;;
    self-hosted-runner) [ -s "$runner_secret_file" ] && [ -r "$runner_secret_file" ] ;;
    *) [ -n "${CLAUDE_CODE_OAUTH_TOKEN:-}" ] || [ -n "${ANTHROPIC_API_KEY:-}" ] || { [ -n "$broker" ] && broker_credential; } \
         || has_login ;;
  esac
}

login_help() {
  if [ "$mode" = self-hosted-runner ]; then
    log "no runner environment secret at $runner_secret_file (CLAUDE_RUNNER_SECRET_FILE). Create one in the Claude"
    log "console's self-hosted runner settings, then store it where the pod mounts it:"
    log "  kubectl create secret generic ${pod_name%-0}-runner -n $namespace --from-file=environment-secret=<file>"
    log "waiting for $runner_secret_file (not ready until it appears)"
    return
  fi
  if [ -n "$broker" ]; then
    log "no usable credential for mode '$mode': the credential broker at $broker has none: $broker_why."
    log "Put CLAUDE_CODE_OAUTH_TOKEN (from 'claude setup-token') or ANTHROPIC_API_KEY in the Secret it mounts; waiting"
    return
  fi
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
  self-hosted-runner)
    cmd=(claude self-hosted-runner --environment-secret-file "$runner_secret_file" --base-dir "$workspace"
         --client-label "$pod_name" --health-port "${CLAUDE_RUNNER_HEALTH_PORT:-8080}"
         --capacity "${CLAUDE_RUNNER_CAPACITY:-1}")
    if [ -n "${CLAUDE_RUNNER_API_URL:-}" ]; then cmd+=(--api-url "$CLAUDE_RUNNER_API_URL"); fi
    if [ -n "${CLAUDE_RUNNER_EXIT_IF_UNUSED_MIN:-}" ]; then cmd+=(--exit-if-unused-min "$CLAUDE_RUNNER_EXIT_IF_UNUSED_MIN"); fi
    if [ -n "${CLAUDE_RUNNER_RELEASE_IDLE_SESSION_MIN:-}" ]; then
      cmd+=(--release-idle-session-min "$CLAUDE_RUNNER_RELEASE_IDLE_SESSION_MIN")
    fi
    if [ -n "${CLAUDE_RUNNER_KILL_SESSION_AFTER_MIN:-}" ]; then
      cmd+=(--kill-session-after-min "$CLAUDE_RUNNER_KILL_SESSION_AFTER_MIN")
    fi
    if [ -n "${CLAUDE_RUNNER_DRAIN_WAIT_SEC:-}" ]; then cmd+=(--drain-wait-sec "$CLAUDE_RUNNER_DRAIN_WAIT_SEC"); fi
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
# The runner takes no --settings: its sessions read the managed settings and the config directory it seeds.
if [ -n "$settings" ] && [ "$mode" != self-hosted-runner ]; then cmd+=(--settings "$settings"); fi
# The prompt goes last, after --: a prompt such as "--help" or "--dangerously-skip-permissions" stays a prompt.
if [ "$mode" = headless ]; then cmd+=(-- "$prompt"); fi

state "running"
log "mode $mode: exec ${cmd[0]} ${cmd[1]:-}"
exec "${cmd[@]}"
