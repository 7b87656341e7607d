{{/* Shared facts: the same files/kubernetes.yml the Ansible roles read. */}}
{{- define "ciab.facts" -}}
{{- .Files.Get "files/kubernetes.yml" -}}
{{- end -}}

{{- define "ciab.labels" -}}
{{- $facts := include "ciab.facts" . | fromYaml -}}
{{- $labels := merge (dict "app.kubernetes.io/managed-by" (.Values.managedBy | default .Release.Service) "app.kubernetes.io/instance" .Release.Name
      "helm.sh/chart" (printf "%s-%s" .Chart.Name .Chart.Version)) $facts.labels -}}
{{- toYaml $labels -}}
{{- end -}}

{{- define "ciab.selector" -}}
{{- $facts := include "ciab.facts" . | fromYaml -}}
app.kubernetes.io/name: {{ index $facts.labels "app.kubernetes.io/name" }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "ciab.serviceAccount" -}}
{{- .Values.serviceAccount.name | default .Values.name -}}
{{- end -}}

{{- define "ciab.readOnly" -}}
{{- if kindIs "invalid" .Values.mcp.readOnly -}}{{ ne .Values.rbac.tier "operator" }}{{- else -}}{{ .Values.mcp.readOnly }}{{- end -}}
{{- end -}}

{{- define "ciab.image" -}}
{{- if .Values.image.digest -}}{{ .Values.image.repository }}@{{ .Values.image.digest }}
{{- else -}}{{ .Values.image.repository }}:{{ required "image.tag or image.digest is required (an immutable tag, never latest)" .Values.image.tag }}
{{- end -}}
{{- end -}}

{{- define "ciab.secretName" -}}
{{- .Values.credentials.existingSecret | default (printf "%s-credentials" .Values.name) -}}
{{- end -}}

{{- define "ciab.runnerSecretName" -}}
{{- .Values.selfHostedRunner.existingSecret | default (printf "%s-runner" .Values.name) -}}
{{- end -}}

{{/* The runner says it needs up to 80 s to stop its sessions and run the post-session hook, plus the drain wait. */}}
{{- define "ciab.terminationGracePeriod" -}}
{{- if eq .Values.mode "self-hosted-runner" -}}
{{- max (int .Values.terminationGracePeriodSeconds) (add 80 (int .Values.selfHostedRunner.drainWaitSec)) -}}
{{- else -}}
{{- int .Values.terminationGracePeriodSeconds -}}
{{- end -}}
{{- end -}}

{{/* A setup-token's end (YYYY-MM-DD): credentials.oauthTokenIssuedAt plus credentials.oauthTokenLifetimeDays. */}}
{{- define "ciab.tokenExpiry" -}}
{{- with .Values.credentials -}}
{{- if and .oauthToken .oauthTokenIssuedAt -}}
{{- /* parsed as UTC midnight (toDate alone reads the controller's local time), and an impossible day fails */ -}}
{{- $issued := mustToDate "2006-01-02T15:04:05Z07:00" (printf "%sT00:00:00Z" (substr 0 10 .oauthTokenIssuedAt)) -}}
{{- dateInZone "2006-01-02" (add $issued.Unix (mul 86400 (int .oauthTokenLifetimeDays))) "UTC" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "ciab.hasSecret" -}}
{{- if or .Values.credentials.existingSecret .Values.credentials.oauthToken .Values.credentials.apiKey -}}true{{- end -}}
{{- end -}}

{{/* Claude Code's layer of the tier: managed settings from the shared facts, as the workload role renders them. */}}
{{- define "ciab.managedSettings" -}}
{{- $facts := include "ciab.facts" . | fromYaml -}}
{{- if and (eq .Values.permissionMode "bypassPermissions") (not .Values.allowBypassPermissions) -}}
{{- fail "permissionMode bypassPermissions runs every tool call without approval; set allowBypassPermissions=true to allow it" -}}
{{- end -}}
{{- $perms := deepCopy $facts.claude_reader_permissions -}}
{{- if eq .Values.rbac.tier "operator" }}{{ $perms = merge $perms (deepCopy $facts.claude_operator_extra_permissions) }}{{ end -}}
{{- if not .Values.allowBypassPermissions }}{{ $_ := set $perms "disableBypassPermissionsMode" "disable" }}{{ end -}}
{{- $settings := merge (dict "permissions" $perms) (deepCopy $facts.claude_managed_settings) -}}
{{- toPrettyJson $settings -}}
{{- end -}}

{{/* Cluster-wide names and the RBAC labels carry the agent's namespace, so instances never collide. */}}
{{- define "ciab.rbacPrefix" -}}
{{- printf "%s-%s" .Values.name .Release.Namespace -}}
{{- end -}}

{{- define "ciab.rbacLabels" -}}
{{- include "ciab.labels" . }}
ciab.io/tier: {{ .Values.rbac.tier }}
ciab.io/agent-namespace: {{ .Release.Namespace }}
{{- end -}}

{{/* Egress: the host allowlist (the default from files/kubernetes.yml unless egress.hosts replaces it, plus
     egress.extraHosts), as a JSON array. */}}
{{- define "ciab.egressHosts" -}}
{{- $facts := include "ciab.facts" . | fromYaml -}}
{{- $hosts := .Values.egress.hosts | default $facts.egress_default_hosts -}}
{{- $telemetry := include "ciab.telemetryTarget" . | fromJson -}}
{{- $extra := .Values.egress.extraHosts -}}
{{- if and $telemetry.host (not $telemetry.local) }}{{ $extra = append $extra $telemetry.host }}{{ end -}}
{{- concat $hosts $extra | uniq | toJson -}}
{{- end -}}

{{/* Egress ports: egress.ports, and the telemetry endpoint's port when it is reached through the proxy. */}}
{{- define "ciab.egressPorts" -}}
{{- $telemetry := include "ciab.telemetryTarget" . | fromJson -}}
{{- $ports := list -}}
{{- range .Values.egress.ports }}{{ $ports = append $ports (int .) }}{{ end -}}
{{- if and $telemetry.host (not $telemetry.local) }}{{ $ports = append $ports (int $telemetry.port) }}{{ end -}}
{{- $ports | uniq | toJson -}}
{{- end -}}

{{/* The OTLP endpoint of telemetry, as {host, port, local}: a cluster-local one is reached directly (NO_PROXY
     holds .svc and the cluster domain; telemetry.networkPolicyPeers admit it), any other through the proxy. Empty
     when telemetry is off. */}}
{{- define "ciab.telemetryTarget" -}}
{{- $t := .Values.telemetry -}}
{{- if $t.enabled -}}
{{- $endpoint := required "telemetry.endpoint (an OTLP URL such as https://otel.example.com:4318) is required with telemetry.enabled" $t.endpoint -}}
{{- $url := urlParse $endpoint -}}
{{- $host := regexReplaceAll ":[0-9]+$" $url.host "" -}}
{{- $port := regexFind "[0-9]+$" (regexFind ":[0-9]+$" $url.host) | default (ternary "443" "80" (eq $url.scheme "https")) -}}
{{- $local := or (hasSuffix ".svc" $host) (hasSuffix (printf ".%s" .Values.clusterDomain) $host) (not (contains "." $host)) -}}
{{- dict "host" $host "port" $port "local" $local | toJson -}}
{{- else -}}
{}
{{- end -}}
{{- end -}}

{{/* The egress proxy's labels: its own app.kubernetes.io/name, so no selector of the agent ever matches it. */}}
{{- define "ciab.proxyLabels" -}}
{{- $labels := include "ciab.labels" . | fromYaml -}}
{{- toYaml (merge (dict "app.kubernetes.io/name" "claude-in-a-box-egress-proxy" "app.kubernetes.io/component" "egress-proxy") $labels) -}}
{{- end -}}

{{- define "ciab.proxySelector" -}}
app.kubernetes.io/name: claude-in-a-box-egress-proxy
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "ciab.proxyImage" -}}
{{- $image := .Values.egress.proxy.image -}}
{{- if $image.digest -}}{{ $image.repository }}@{{ $image.digest }}
{{- else -}}{{ $image.repository }}:{{ required "egress.proxy.image.tag or digest is required with egress.mode proxy (build it: ansible-playbook ciab.claude_in_a_box.build)" $image.tag }}
{{- end -}}
{{- end -}}

{{- define "ciab.proxyPort" -}}
{{- (include "ciab.facts" . | fromYaml).egress_proxy_port -}}
{{- end -}}

{{- define "ciab.proxyUrl" -}}
{{- printf "http://%s-egress.%s.svc.%s:%s" .Values.name .Release.Namespace .Values.clusterDomain (include "ciab.proxyPort" .) -}}
{{- end -}}

{{/* DNS only to the cluster's resolver pods. */}}
{{- define "ciab.dnsEgress" -}}
- to:
    - namespaceSelector:
        matchLabels: {kubernetes.io/metadata.name: {{ .Values.egress.dns.namespace | quote }}}
      podSelector:
        matchLabels:
          {{- toYaml .Values.egress.dns.podLabels | nindent 10 }}
  ports:
    - {protocol: UDP, port: 53}
    - {protocol: TCP, port: 53}
{{- end -}}
