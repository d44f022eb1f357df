{{/* Object names: at most 63 characters, DNS labels. */}}
{{- define "dtr-exporter.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "dtr-exporter.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "dtr-exporter.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "dtr-exporter.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "dtr-exporter.selectorLabels" -}}
app.kubernetes.io/name: {{ include "dtr-exporter.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "dtr-exporter.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "dtr-exporter.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Where the ConfigMap with exporter.yml is mounted, and where module secrets are. */}}
{{- define "dtr-exporter.configDir" -}}/etc/dtr-exporter/config{{- end }}
{{- define "dtr-exporter.secretsDir" -}}/etc/dtr-exporter/secrets{{- end }}

{{/* The volume of one module's secret files: module names may hold "_" and ".", volume names may not. */}}
{{- define "dtr-exporter.moduleVolume" -}}
{{- printf "module-%s" (sha256sum . | trunc 10) }}
{{- end }}

{{/*
Checks one module's values and returns, as YAML, the Secret its files come from and the items to
mount: {secretName, items: [{key, path}]}; "items" is empty for a module without secret files.
Called with (dict "root" $ "name" <module name> "module" <module values>).
*/}}
{{- define "dtr-exporter.moduleFiles" -}}
{{- $name := .name }}
{{- $m := .module | default dict }}
{{- if not (regexMatch "^[A-Za-z0-9._-]+$" $name) }}
{{- fail (printf "modules.%s: a module name may hold only letters, digits, \".\", \"_\" and \"-\" (it becomes a folder name)" $name) }}
{{- end }}
{{- if not (kindIs "map" $m) }}
{{- fail (printf "modules.%s: must be a mapping (basic_auth, allowed_targets, tls_config, ...)" $name) }}
{{- end }}
{{- $auth := $m.basic_auth | default dict }}
{{- $tls := $m.tls_config | default dict }}
{{- $existing := $m.existingSecret | default dict }}
{{- if and $m.basic_auth (not $auth.username) }}
{{- fail (printf "modules.%s.basic_auth.username: is required with basic_auth" $name) }}
{{- end }}
{{- $items := list }}
{{- $secretName := include "dtr-exporter.fullname" .root }}
{{- if $existing.name }}
{{- if or $auth.password $tls.ca $tls.cert $tls.key }}
{{- fail (printf "modules.%s: existingSecret is set, so basic_auth.password, tls_config.ca, tls_config.cert and tls_config.key must be left out: put them in the Secret %q and name its keys in existingSecret" $name $existing.name) }}
{{- end }}
{{- $secretName = $existing.name }}
{{- if $auth.username }}
{{- $items = append $items (dict "key" ($existing.passwordKey | default "password") "path" "password") }}
{{- end }}
{{- if $existing.caKey }}
{{- $items = append $items (dict "key" $existing.caKey "path" "ca.pem") }}
{{- end }}
{{- if or $existing.certKey $existing.keyKey }}
{{- if not (and $existing.certKey $existing.keyKey) }}
{{- fail (printf "modules.%s.existingSecret: give both certKey and keyKey (a client certificate and its key), or neither" $name) }}
{{- end }}
{{- $items = append $items (dict "key" $existing.certKey "path" "cert.pem") }}
{{- $items = append $items (dict "key" $existing.keyKey "path" "key.pem") }}
{{- end }}
{{- else }}
{{- if $auth.username }}
{{- if not $auth.password }}
{{- fail (printf "modules.%s.basic_auth: give password, or existingSecret with the password in it" $name) }}
{{- end }}
{{- $items = append $items (dict "key" (printf "%s.password" $name) "path" "password") }}
{{- end }}
{{- if $tls.ca }}
{{- $items = append $items (dict "key" (printf "%s.ca.pem" $name) "path" "ca.pem") }}
{{- end }}
{{- if or $tls.cert $tls.key }}
{{- if not (and $tls.cert $tls.key) }}
{{- fail (printf "modules.%s.tls_config: give both cert and key (a client certificate and its key), or neither" $name) }}
{{- end }}
{{- $items = append $items (dict "key" (printf "%s.cert.pem" $name) "path" "cert.pem") }}
{{- $items = append $items (dict "key" (printf "%s.key.pem" $name) "path" "key.pem") }}
{{- end }}
{{- end }}
{{- $hasCredentials := or $auth.username $tls.cert $existing.certKey }}
{{- if and $hasCredentials (not $m.allowed_targets) }}
{{- fail (printf "modules.%s.allowed_targets: is required for a module with credentials: list the DTR hosts they may be sent to, e.g. [dtr.example.com, \"*.dtr.example.com:443\"]" $name) }}
{{- end }}
{{- toYaml (dict "secretName" $secretName "items" $items) }}
{{- end }}

{{/* exporter.yml: the modules of the values, with the mounted files in place of the secrets. */}}
{{- define "dtr-exporter.exporterConfig" -}}
{{- $modules := dict }}
{{- range $name, $m := .Values.modules }}
{{- $files := include "dtr-exporter.moduleFiles" (dict "root" $ "name" $name "module" $m) | fromYaml }}
{{- $m = $m | default dict }}
{{- $dir := printf "%s/%s" (include "dtr-exporter.secretsDir" $) $name }}
{{- $paths := dict }}
{{- range $files.items }}
{{- $_ := set $paths .path (printf "%s/%s" $dir .path) }}
{{- end }}
{{- $module := dict }}
{{- if and $m.basic_auth $m.basic_auth.username }}
{{- $_ := set $module "basic_auth" (dict "username" $m.basic_auth.username "password_file" $paths.password) }}
{{- end }}
{{- if $m.allowed_targets }}
{{- $_ := set $module "allowed_targets" $m.allowed_targets }}
{{- end }}
{{- if hasKey $m "allow_plain_http" }}
{{- $_ := set $module "allow_plain_http" $m.allow_plain_http }}
{{- end }}
{{- $tlsIn := $m.tls_config | default dict }}
{{- $tls := dict }}
{{- with index $paths "ca.pem" }}{{ $_ := set $tls "ca_file" . }}{{ end }}
{{- with index $paths "cert.pem" }}{{ $_ := set $tls "cert_file" . }}{{ end }}
{{- with index $paths "key.pem" }}{{ $_ := set $tls "key_file" . }}{{ end }}
{{- if $tlsIn.server_name }}{{ $_ := set $tls "server_name" $tlsIn.server_name }}{{ end }}
{{- if hasKey $tlsIn "insecure_skip_verify" }}{{ $_ := set $tls "insecure_skip_verify" $tlsIn.insecure_skip_verify }}{{ end }}
{{- if $tls }}
{{- $_ := set $module "tls_config" $tls }}
{{- end }}
{{- if hasKey $m "job_count" }}
{{- $_ := set $module "job_count" (int64 $m.job_count) }}
{{- end }}
{{- if $m.timeout }}
{{- $_ := set $module "timeout" $m.timeout }}
{{- end }}
{{- range $call := list "ping" "workers" "scanning" "crons" "version" }}{{/* the optional calls, as in exporter.yml */}}
{{- if hasKey $m $call }}
{{- $_ := set $module $call (index $m $call) }}
{{- end }}
{{- end }}
{{- $_ := set $modules $name $module }}
{{- end }}
{{- toYaml (dict "modules" $modules) }}
{{- end }}

{{/* The secret data the chart creates: module secrets given as values. */}}
{{- define "dtr-exporter.secretData" -}}
{{- $data := dict }}
{{- range $name, $m := .Values.modules }}
{{- $m = $m | default dict }}
{{- $existing := $m.existingSecret | default dict }}
{{- if not $existing.name }}
{{- $auth := $m.basic_auth | default dict }}
{{- $tls := $m.tls_config | default dict }}
{{- if $auth.password }}{{ $_ := set $data (printf "%s.password" $name) ($auth.password | toString | b64enc) }}{{ end }}
{{- if $tls.ca }}{{ $_ := set $data (printf "%s.ca.pem" $name) ($tls.ca | b64enc) }}{{ end }}
{{- if $tls.cert }}{{ $_ := set $data (printf "%s.cert.pem" $name) ($tls.cert | b64enc) }}{{ end }}
{{- if $tls.key }}{{ $_ := set $data (printf "%s.key.pem" $name) ($tls.key | b64enc) }}{{ end }}
{{- end }}
{{- end }}
{{- if $data }}
{{- toYaml $data }}
{{- end }}
{{- end }}

{{/* host:port of the Service, as Prometheus reaches it from any namespace. */}}
{{- define "dtr-exporter.serviceAddress" -}}
{{- printf "%s.%s.svc:%d" (include "dtr-exporter.fullname" .) .Release.Namespace (int .Values.service.port) }}
{{- end }}
