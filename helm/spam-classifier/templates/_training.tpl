{{/* Arguments of the training CLI from .Values.training. */}}
{{- define "spam-classifier.trainingArgs" -}}
- dist/src/training/cli/train.cli.js
- --algorithm
- {{ .Values.training.algorithm | quote }}
- --data
- {{ .Values.training.data | default (ternary "all" "email" (not (empty .Values.trainingData.existingClaim))) | quote }}
- --data-dir
- /data
- --no-progress
- --out
- /app/var/models
{{- if gt (int .Values.training.maxFeatures) 0 }}
- --max-features
- {{ .Values.training.maxFeatures | quote }}
{{- end }}
{{- if .Values.training.register }}
- --register
{{- end }}
{{- if .Values.training.promote }}
- --promote
{{- end }}
{{- range .Values.training.extraArgs }}
- {{ . | quote }}
{{- end }}
{{- end }}

{{/*
Arguments of a retrain the leader starts in TRAINING_MODE=job. The leader appends --run-id, --feedback-from-database,
--feedback-weight, --feedback-holdout-fraction and --feedback-until; the corpora, algorithm and CV folds come from
the same RETRAIN_* environment as an in-process retrain, so both modes train alike. The .Values.training options of
the Job and CronJob (--algorithm, --data, --max-features, extraArgs) do not apply: a retrain refuses tuning options.
*/}}
{{- define "spam-classifier.retrainArgs" -}}
- dist/src/training/cli/train.cli.js
- --no-progress
- --register
- --promote
{{- end }}

{{/*
Pod template of a training run: same image, identity, hardening and settings as the serving pods.
Called with (dict "root" $ "args" "<name of the template rendering the CLI arguments>").
*/}}
{{- define "spam-classifier.trainingPodTemplate" -}}
{{- $args := .args -}}
{{- with .root -}}
metadata:
  labels:
    {{- include "spam-classifier.componentLabels" (dict "root" . "component" "training") | nindent 4 }}
  {{- with include "spam-classifier.vaultAnnotations" (dict "root" . "prePopulateOnly" true) }}
  annotations:
    {{- . | trim | nindent 4 }}
  {{- end }}
spec:
  restartPolicy: Never
  serviceAccountName: {{ include "spam-classifier.serviceAccountName" . }}
  automountServiceAccountToken: true
  {{- with .Values.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  securityContext:
    {{- toYaml .Values.podSecurityContext | nindent 4 }}
  containers:
    - name: train
      image: {{ include "spam-classifier.image" . }}
      imagePullPolicy: {{ .Values.image.pullPolicy }}
      command:
        - node
      args:
        {{- include $args . | nindent 8 }}
      # On failure the pod's status shows the CLI's last lines (its error and the JSON outcome line).
      terminationMessagePolicy: FallbackToLogsOnError
      env:
        {{- include "spam-classifier.env" . | nindent 8 }}
      envFrom:
        {{- include "spam-classifier.envFrom" . | nindent 8 }}
      securityContext:
        {{- toYaml .Values.securityContext | nindent 8 }}
      resources:
        {{- toYaml .Values.training.resources | nindent 8 }}
      volumeMounts:
        - name: var
          mountPath: /app/var
        - name: tmp
          mountPath: /tmp
        {{- if .Values.trainingData.existingClaim }}
        - name: data
          mountPath: /data
          readOnly: true
        {{- end }}
  volumes:
    - name: var
      emptyDir:
        sizeLimit: {{ .Values.modelStorage.sizeLimit }}
    - name: tmp
      emptyDir:
        sizeLimit: {{ .Values.tmpSizeLimit }}
    {{- if .Values.trainingData.existingClaim }}
    - name: data
      persistentVolumeClaim:
        claimName: {{ .Values.trainingData.existingClaim }}
        readOnly: true
    {{- end }}
{{- end }}
{{- end }}

{{/* The batch/v1 Job the leader creates in TRAINING_MODE=job (rendered into the training-job ConfigMap). */}}
{{- define "spam-classifier.trainingJobSpec" -}}
{{- $root := .root -}}
apiVersion: batch/v1
kind: Job
metadata:
  generateName: {{ include "spam-classifier.fullname" $root }}-train-
  labels:
    {{- include "spam-classifier.componentLabels" (dict "root" $root "component" "training") | nindent 4 }}
spec:
  backoffLimit: {{ $root.Values.training.backoffLimit }}
  activeDeadlineSeconds: {{ $root.Values.training.activeDeadlineSeconds }}
  ttlSecondsAfterFinished: {{ $root.Values.training.ttlSecondsAfterFinished }}
  # The CLI exits 2 on a bad command line or setting and 3 on missing corpora: a retry fails alike, so fail at once.
  podFailurePolicy:
    rules:
      - action: FailJob
        onExitCodes:
          containerName: train
          operator: In
          values: [2, 3]
  template:
    {{- include "spam-classifier.trainingPodTemplate" (dict "root" $root "args" "spam-classifier.retrainArgs") | nindent 4 }}
{{- end }}
