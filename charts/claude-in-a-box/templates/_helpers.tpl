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

{{/*
The credential broker: what a pod needs so that claude reaches the model without holding a credential. A container
of its own (a native sidecar, restartPolicy Always: it starts, and passes its startup probe, before claude; a Job
ends when claude does), another user than claude's, the only one that mounts the credentials Secret; claude's
container gets the broker's loopback address, and the token's end (not secret) for the entrypoint's warning.
The StatefulSet uses these parts in interactive mode, and carries them as its ciab.io/credential-broker
annotation, from which the ask role's headless Jobs take them in every mode. Returned as JSON: container, volume, env.
*/}}
{{- define "ciab.credentialBroker" -}}
{{- $port := (include "ciab.facts" . | fromYaml).credential_broker_port | int -}}
{{- $broker := .Values.credentials.broker -}}
{{- $host := regexReplaceAll "^https?://([^:/]+).*$" $broker.upstream "${1}" | lower -}}
{{- if or (eq $host "localhost") (hasSuffix ".localhost" $host) (regexMatch "^(127\\.|0\\.0\\.0\\.0$)" $host) -}}
{{- fail (printf "credentials.broker.upstream %q is the pod's loopback, which the agent shares: whatever listened there would get the credential" $broker.upstream) -}}
{{- end -}}
{{- if and (hasPrefix "http://" $broker.upstream) (not $broker.allowPlainHttp) -}}
{{- fail (printf "credentials.broker.upstream %q is plain http, which carries the credential in clear: use https, or set credentials.broker.allowPlainHttp" $broker.upstream) -}}
{{- end -}}
{{- $env := list
      (dict "name" "CIAB_BROKER_PORT" "value" (toString $port))
      (dict "name" "CIAB_BROKER_UPSTREAM" "value" $broker.upstream)
      (dict "name" "CIAB_BROKER_SECRET_DIR" "value" "/run/secrets/ciab-credentials") -}}
{{- if $broker.allowPlainHttp -}}
{{- $env = append $env (dict "name" "CIAB_BROKER_ALLOW_HTTP" "value" "1") -}}
{{- end -}}
{{- if eq .Values.egress.mode "proxy" -}}
{{- $env = concat $env (list (dict "name" "HTTPS_PROXY" "value" (include "ciab.proxyUrl" .))
                             (dict "name" "HTTP_PROXY" "value" (include "ciab.proxyUrl" .))) -}}
{{- end -}}
{{- $probe := dict "exec" (dict "command" (list "/usr/local/bin/ciab-credential-broker" "check")) -}}
{{- $container := dict
      "name" "credential-broker"
      "image" (include "ciab.image" .)
      "imagePullPolicy" .Values.image.pullPolicy
      "restartPolicy" "Always"
      "command" (list "/usr/local/bin/ciab-credential-broker" "serve")
      "env" (append $env (dict "name" "NO_PROXY" "value" "127.0.0.1,localhost"))
      "securityContext" (dict "runAsUser" 1001 "runAsGroup" 1001 "runAsNonRoot" true "allowPrivilegeEscalation" false
                              "readOnlyRootFilesystem" true "capabilities" (dict "drop" (list "ALL")))
      "startupProbe" (merge (dict "periodSeconds" 1 "failureThreshold" 30 "timeoutSeconds" 3) $probe)
      "livenessProbe" (merge (dict "periodSeconds" 30 "timeoutSeconds" 5) (deepCopy $probe))
      "resources" $broker.resources
      "volumeMounts" (list (dict "name" "credentials" "mountPath" "/run/secrets/ciab-credentials" "readOnly" true)) -}}
{{- /* 0440 and the pod's fsGroup: the broker reads it through that supplementary group */ -}}
{{- $volume := dict "name" "credentials" "secret" (dict "secretName" (include "ciab.secretName" .) "defaultMode" 288) -}}
{{- $claudeEnv := list
      (dict "name" "CIAB_CREDENTIAL_BROKER" "value" (printf "http://127.0.0.1:%d" $port))
      (dict "name" "CIAB_OAUTH_TOKEN_EXPIRES_AT" "valueFrom" (dict "secretKeyRef" (dict "name" (include "ciab.secretName" .) "key" "CIAB_OAUTH_TOKEN_EXPIRES_AT" "optional" true))) -}}
{{- dict "container" $container "volume" $volume "env" $claudeEnv | toJson -}}
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
