#!/bin/bash -p
# ciab-audit-hook: Claude Code's managed hooks call this for every session, tool call, refusal and settings
# change (files/kubernetes.yml, claude_managed_settings.hooks). It writes one JSON line per event:
#   - to the container's log (PID 1's stdout), so `kubectl logs` and any log pipeline keep a copy the agent
#     cannot edit, and
#   - to a size-bounded, rotated file on the agent's volume (CIAB_AUDIT_FILE).
# Every string from the event (tool input and output included) is redacted before it is written: token- and
# key-shaped values never reach either copy. Output is cut to CIAB_AUDIT_OUTPUT_CHARS.
#
# It never blocks or fails a tool call: it prints nothing on stdout (which Claude would read as a decision) and
# always exits 0. The ciab.claude_in_a_box.agent_audit module joins these lines with the API server's audit log.
# The agent runs as the same user: `bash -p` and a fixed PATH keep its environment (BASH_ENV, exported functions,
# a PATH of its own) out, the managed settings pin where the lines go, and the container's copy is written first,
# whatever state the agent left its volume in.
set -euo pipefail
umask 077
PATH=/usr/local/bin:/usr/bin:/bin

audit_file=${CIAB_AUDIT_FILE:-${CLAUDE_CONFIG_DIR:-$HOME/.claude}/audit/audit.jsonl}
max_bytes=${CIAB_AUDIT_MAX_BYTES:-10485760}
keep=${CIAB_AUDIT_KEEP:-3}
output_chars=${CIAB_AUDIT_OUTPUT_CHARS:-2000}
log_target=${CIAB_AUDIT_STDOUT:-/proc/1/fd/1}
[[ $max_bytes =~ ^[0-9]+$ ]] || max_bytes=10485760
[[ $keep =~ ^[0-9]+$ ]] || keep=3
[[ $output_chars =~ ^[0-9]+$ ]] || output_chars=2000

# The redaction and the record's shape. Patterns, most specific first: a key's name is kept, its value is not.
read -r -d '' program <<'JQ' || true
def redact:
  gsub("(?<k>://[^/\\s:@\"'\\[\\]]+:)[^/\\s@\"']+@"; "\(.k)[redacted]@")
  | gsub("-----BEGIN[A-Z ]*PRIVATE KEY-----[^-]*(-----END[A-Z ]*PRIVATE KEY-----)?"; "[redacted:private-key]")
  | gsub("eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]*"; "[redacted:jwt]")
  | gsub("sk-ant-[A-Za-z0-9_-]{8,}"; "[redacted:anthropic-key]")
  | gsub("(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})"; "[redacted:github-token]")
  | gsub("xox[abprs]-[A-Za-z0-9-]{10,}"; "[redacted:slack-token]")
  | gsub("(AKIA|ASIA)[0-9A-Z]{16}"; "[redacted:aws-key]")
  | gsub("sk-[A-Za-z0-9_-]{20,}"; "[redacted:api-key]")
  | gsub("(?<k>(?i)\\b(bearer|basic|token)\\s+)[A-Za-z0-9._~+/-]{8,}=*"; "\(.k)[redacted]")
  | gsub("(?<k>(?i)(password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|client[_-]?secret|credentials?)(\\\\?[\"'])?\\s*[:=]\\s*(\\\\?[\"'])?)[^\\s\"'\\\\,;}]{4,}"; "\(.k)[redacted]")
  | gsub("(?<k>(?i)--?(password|passwd|token|secret|api-key)[= ]+)[^\\s\"']{4,}"; "\(.k)[redacted]")
  # long base64 runs (Secret data, certificates): at least one letter that hex has not, so digests stay
  | gsub("(?=[A-Za-z0-9+/]*[G-Zg-z+/])[A-Za-z0-9+/]{40,}={0,2}"; "[redacted:base64]");
# Strings are cut to what is kept plus a margin before they are redacted (a token across the cut stays whole),
# so a huge output costs no more than a small one; keys are redacted as values are, and so is any value held
# under a key that names a secret.
def secretkey: test("(?i)(passw|secret|token|api[_-]?key|apikey|credential|private[_-]?key|auth)");
def cut($n): length as $len | (.[0:($n + 4096)] | redact) as $kept
  | if ($kept | length) > $n or $len > $n + 4096 then $kept[0:$n] + "... [\($len - $n) more characters]" else $kept end;
def scrub($n):
  walk(if type == "object" then with_entries(.key |= cut(200)
         | if (.key | secretkey) and (.value | type) == "string" then .value = "[redacted]" else . end)
       elif type == "string" then cut($n) else . end);
def text:
  if . == null then null
  elif type == "string" then .
  elif type == "object" and has("stdout") then .stdout + (if (.stderr // "") != "" then "\n[stderr] " + .stderr else "" end)
  elif type == "array" then map(if type == "object" then (.text // tojson) else tostring end) | join("\n")
  else tojson end;
def output:
  if . == null then null
  elif type == "string" or (type == "object" and has("stdout")) then text | cut($chars)
  else scrub($chars) | text | cut($chars) end;
def context: {ciab_audit: 1, ts: $ts, event: .hook_event_name, cluster: $cluster, namespace: $namespace,
              pod: $pod, pod_ip: $pod_ip, node_ip: $node_ip, tier: $tier, service_account: $sa, session_id: .session_id};
if .hook_event_name == "PostToolBatch" then
  # calls that ran have their PostToolUse or PostToolUseFailure line; the others were refused before running
  ($ran_ids | split("\n")) as $ran
  | .tool_calls[]? as $call
  | select(($ran | index($call.tool_use_id)) | not)
  | context + {event: "ToolRefused", tool_use_id: $call.tool_use_id, tool: $call.tool_name,
               input: ($call.tool_input | scrub(1000)), status: "refused",
               output: ($call.tool_response | output)}
else
  context + {tool_use_id, tool: .tool_name, input: (.tool_input | scrub(1000))}
  + (if .hook_event_name == "PostToolUse" then
       {status: "ok", exit_code: (if .tool_name == "Bash" then 0 else null end), duration_ms,
        output: (.tool_response | output)}
     elif .hook_event_name == "PostToolUseFailure" then
       {status: "error", exit_code: ((.error // "") | (capture("Exit code (?<c>[0-9]+)").c | tonumber)? // null),
        duration_ms, interrupted: .is_interrupt, output: (.error | output)}
     elif .hook_event_name == "PermissionDenied" then {status: "refused", output: (.reason | output)}
     elif .hook_event_name == "PermissionRequest" then {status: "approval-requested"}
     elif .hook_event_name == "SessionStart" then {source, model, permission_mode}
     elif .hook_event_name == "SessionEnd" then {reason}
     elif .hook_event_name == "ConfigChange" then {source, file_path}
     else {} end)
  | with_entries(select(.value != null))
end
JQ

input=$(cat) || exit 0
ts=$(date -u +%Y-%m-%dT%H:%M:%S.%6NZ)
dir=$(dirname "$audit_file")
mkdir -p "$dir/sessions" 2>/dev/null || true

event="" session="" tool_use_id="" tool=""
IFS=$'\t' read -r event session tool_use_id tool < <(printf '%s' "$input" |
  jq -r '[.hook_event_name // "", .session_id // "", .tool_use_id // "", .tool_name // ""] | map(tostring) | @tsv' \
  2>/dev/null) || true
# The calls of this session that ran, which the PostToolBatch line leaves out (session ids are UUIDs; anything
# else gets no state). Noted before the line is made, so a line that could not be made does not turn a call that
# ran into a refused one.
ran_file=/dev/null
if [[ $session =~ ^[A-Za-z0-9_-]{1,128}$ ]] && [ -d "$dir/sessions" ]; then
  ran_file="$dir/sessions/$session.ran"
  case $event in
    PostToolUse | PostToolUseFailure) [ -n "$tool_use_id" ] && { printf '%s\n' "$tool_use_id" >>"$ran_file"; } 2>/dev/null ;;
  esac
  [ -f "$ran_file" ] || ran_file=/dev/null
fi

lines=$(printf '%s' "$input" | jq -c \
  --arg ts "$ts" --arg cluster "${CIAB_CLUSTER:-}" --arg namespace "${CIAB_NAMESPACE:-}" \
  --arg pod "${CIAB_POD_NAME:-${HOSTNAME:-}}" --arg pod_ip "${CIAB_POD_IP:-}" \
  --arg node_ip "${CIAB_NODE_IP:-}" --arg tier "${CIAB_TIER:-}" --arg sa "${CIAB_SERVICE_ACCOUNT:-}" \
  --argjson chars "$output_chars" --rawfile ran_ids "$ran_file" \
  "$program" 2>/dev/null) || lines=$(jq -cn --arg ts "$ts" --arg event "$event" --arg session "$session" \
  --arg tool_use_id "$tool_use_id" --arg tool "$tool" \
  '{ciab_audit: 1, ts: $ts, event: $event, session_id: $session, tool_use_id: $tool_use_id, tool: $tool,
    status: "unrecorded", output: "the hook could not read this event"}')
[ -n "$lines" ] || exit 0

# The container's log first, depending on nothing the agent can change: it is the copy the agent cannot rewrite.
printf '%s\n' "$lines" >>"$log_target" 2>/dev/null || true

# Then the copy on the volume, rotated under a lock; whatever fails here is given up silently.
{
  flock -w 5 9 || true
  if [ -f "$audit_file" ] && [ "$(stat -c %s "$audit_file")" -ge "$max_bytes" ]; then
    for ((i = keep - 1; i >= 1; i--)); do
      [ -f "$audit_file.$i" ] && mv -f "$audit_file.$i" "$audit_file.$((i + 1))"
    done
    if [ "$keep" -ge 1 ]; then mv -f "$audit_file" "$audit_file.1"; else rm -f "$audit_file"; fi
  fi
  printf '%s\n' "$lines" >>"$audit_file"
  if [ "$event" = SessionEnd ] && [ "$ran_file" != /dev/null ]; then rm -f "$ran_file"; fi
} 9>>"$dir/.lock" 2>/dev/null || true
exit 0
