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

{{/* Pod template of a training run: same image, identity, hardening and settings as the serving pods. */}}
{{- define "spam-classifier.trainingPodTemplate" -}}
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
        {{- include "spam-classifier.trainingArgs" . | nindent 8 }}
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

{{/* A complete batch/v1 Job spec (used by the Job, the CronJob and, in TRAINING_MODE=job, by the leader). */}}
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
  template:
    {{- include "spam-classifier.trainingPodTemplate" $root | nindent 4 }}
{{- end }}
