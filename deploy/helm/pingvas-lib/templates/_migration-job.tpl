{{/*
Migration Job, a Helm hook: {{ include "pingvas-lib.migrationJob" . }}

It runs the service's own migrations once, before the release's objects are installed or
upgraded (pre-install,pre-upgrade), with the service's image, environment, ConfigMap and
Secret references: `node dist/apps/<service>/src/migrate.js` (migration.command). A failed
migration fails the install/upgrade, so pods of the new version never start against an old
schema; the app's entrypoint never migrates. ArgoCD runs it as a PreSync hook.

  hook-weight          orders it before any other hook of the release (migration.hookWeight)
  hook-delete-policy   before-hook-creation: the previous run's Job is deleted before a new one
                       is made; hook-succeeded: a successful Job is removed, a failed one stays
                       for `kubectl logs` until the next attempt
  backoffLimit         retries of a failed pod (migrations are transactional and idempotent)
  activeDeadlineSeconds  gives up on a migration that hangs (e.g. waiting on a lock)

The ServiceAccount of the release does not exist yet at pre-install, so the Job runs under
migration.serviceAccountName (default: the namespace's "default"), without a token.
*/}}
{{- define "pingvas-lib.migrationJob" -}}
{{- $m := .Values.migration -}}
{{- if $m.enabled -}}
{{- $sel := dict "root" . "component" "migration" -}}
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ include "pingvas-lib.componentFullname" (dict "root" . "suffix" "migrate") }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "pingvas-lib.labels" $sel | nindent 4 }}
  annotations:
    helm.sh/hook: pre-install,pre-upgrade
    helm.sh/hook-weight: {{ ternary $m.hookWeight -5 (hasKey $m "hookWeight") | toString | quote }}
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
spec:
  backoffLimit: {{ $m.backoffLimit | default 2 }}
  activeDeadlineSeconds: {{ $m.activeDeadlineSeconds | default 600 }}
  template:
    metadata:
      labels:
        {{- include "pingvas-lib.labels" $sel | nindent 8 }}
    spec:
      restartPolicy: Never
      {{- with $m.serviceAccountName }}
      serviceAccountName: {{ . }}
      {{- end }}
      automountServiceAccountToken: false
      enableServiceLinks: false
      {{- with .Values.priorityClassName }}
      priorityClassName: {{ . }}
      {{- end }}
      {{- with .Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        {{- toYaml .Values.podSecurityContext | nindent 8 }}
      {{- with .Values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .Values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: migrate
          image: {{ include "pingvas-lib.image" (dict "root" . "image" .Values.image) | quote }}
          imagePullPolicy: {{ .Values.image.pullPolicy | default "IfNotPresent" }}
          command:
            {{- toYaml (required "migration.command is required when migration.enabled" $m.command) | nindent 12 }}
          env:
            {{- include "pingvas-lib.env" (dict "root" . "env" .Values.env "port" .Values.service.port) | trim | nindent 12 }}
          {{- $envFrom := include "pingvas-lib.envFrom" (.Values.envFrom | default dict) | trim }}
          {{- if $envFrom }}
          envFrom:
            {{- $envFrom | nindent 12 }}
          {{- end }}
          resources:
            {{- toYaml $m.resources | nindent 12 }}
          securityContext:
            {{- toYaml .Values.securityContext | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: 256Mi
{{- end -}}
{{- end -}}
