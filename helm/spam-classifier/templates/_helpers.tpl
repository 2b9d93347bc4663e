{{/* Chart name, truncated to the 63 characters Kubernetes allows in names. */}}
{{- define "spam-classifier.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "spam-classifier.fullname" -}}
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

{{- define "spam-classifier.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "spam-classifier.labels" -}}
helm.sh/chart: {{ include "spam-classifier.chart" . }}
{{ include "spam-classifier.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: spam-classifier
{{- end }}

{{- define "spam-classifier.selectorLabels" -}}
app.kubernetes.io/name: {{ include "spam-classifier.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: api
{{- end }}

{{/* Labels of a companion component (postgresql, mlflow, training): same instance, own component. */}}
{{- define "spam-classifier.componentLabels" -}}
helm.sh/chart: {{ include "spam-classifier.chart" .root }}
app.kubernetes.io/name: {{ include "spam-classifier.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: spam-classifier
{{- end }}

{{- define "spam-classifier.componentSelectorLabels" -}}
app.kubernetes.io/name: {{ include "spam-classifier.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "spam-classifier.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "spam-classifier.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create=false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "spam-classifier.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/* Name of the Secret holding the app's secrets when Vault is off ("" when Vault supplies them). */}}
{{- define "spam-classifier.secretName" -}}
{{- if not .Values.vault.enabled }}
{{- default (include "spam-classifier.fullname" .) .Values.secrets.existingSecret }}
{{- end }}
{{- end }}

{{- define "spam-classifier.postgresql.fullname" -}}
{{- printf "%s-postgresql" (include "spam-classifier.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "spam-classifier.postgresql.secretName" -}}
{{- default (include "spam-classifier.postgresql.fullname" .) .Values.postgresql.existingSecret }}
{{- end }}

{{- define "spam-classifier.mlflow.fullname" -}}
{{- printf "%s-mlflow" (include "spam-classifier.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "spam-classifier.mlflowTrackingUri" -}}
{{- if .Values.mlflow.enabled }}
{{- printf "http://%s:%d" (include "spam-classifier.mlflow.fullname" .) (int .Values.mlflow.port) }}
{{- else }}
{{- .Values.externalMlflow.trackingUri }}
{{- end }}
{{- end }}

{{/*
A secret value kept across upgrades: the given value, else the one already in the cluster's Secret,
else a new random one. (lookup answers nothing under `helm template`, which then shows a random value.)
Call with (dict "root" $ "secret" name "key" key "value" value).
*/}}
{{- define "spam-classifier.persistentSecretValue" -}}
{{- if .value }}
{{- .value }}
{{- else }}
{{- $existing := lookup "v1" "Secret" .root.Release.Namespace .secret }}
{{- if and $existing $existing.data (hasKey $existing.data .key) }}
{{- index $existing.data .key | b64dec }}
{{- else }}
{{- randAlphaNum 40 }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Environment shared by the serving pods and the training pods: ConfigMap, Secret or Vault settings,
database password for the in-chart PostgreSQL, pod identity for leader election and the log lines.
*/}}
{{- define "spam-classifier.env" -}}
- name: POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
- name: POD_NAMESPACE
  valueFrom:
    fieldRef:
      fieldPath: metadata.namespace
{{- if .Values.postgresql.enabled }}
- name: POSTGRES_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "spam-classifier.postgresql.secretName" . }}
      key: password
- name: DATABASE_URL
  value: {{ printf "postgres://%s:$(POSTGRES_PASSWORD)@%s:5432/%s" .Values.postgresql.username (include "spam-classifier.postgresql.fullname" .) .Values.postgresql.database | quote }}
{{- else if .Values.externalDatabase.existingSecret }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ .Values.externalDatabase.existingSecret }}
      key: {{ .Values.externalDatabase.existingSecretKey }}
{{- end }}
{{- end }}

{{- define "spam-classifier.envFrom" -}}
- configMapRef:
    name: {{ include "spam-classifier.fullname" . }}
{{- with include "spam-classifier.secretName" . }}
- secretRef:
    name: {{ . }}
{{- end }}
{{- end }}

{{/*
Vault Agent injector annotations (pod template metadata). Call with (dict "root" $ "prePopulateOnly" bool):
serving pods keep a refreshing sidecar, training pods render once and exit.
*/}}
{{- define "spam-classifier.vaultAnnotations" -}}
{{- $v := .root.Values.vault }}
{{- if and $v.enabled $v.agent.enabled }}
vault.hashicorp.com/agent-inject: "true"
vault.hashicorp.com/role: {{ $v.role | quote }}
vault.hashicorp.com/agent-pre-populate-only: {{ .prePopulateOnly | quote }}
vault.hashicorp.com/agent-run-as-user: "10001"
vault.hashicorp.com/agent-run-as-group: "10001"
vault.hashicorp.com/agent-init-first: "true"
{{- range $v.agent.files }}
vault.hashicorp.com/agent-inject-secret-{{ .name }}: {{ .path | quote }}
vault.hashicorp.com/agent-inject-template-{{ .name }}: |
{{- if .template }}
  {{- .template | nindent 2 }}
{{- else }}
  {{ printf "{{- with secret %q -}}{{ .Data.data | toJSON }}{{- end }}" .path }}
{{- end }}
{{- end }}
{{- with $v.agent.annotations }}
{{ toYaml . }}
{{- end }}
{{- end }}
{{- end }}
