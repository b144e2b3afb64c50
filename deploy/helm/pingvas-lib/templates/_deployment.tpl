{{/*
Deployment of the service itself (component "api"), from the chart's root values:
  {{ include "pingvas-lib.deployment" . }}
`replicas` is left out while the HPA owns it (autoscaling.enabled).
*/}}
{{- define "pingvas-lib.deployment" -}}
{{- $ctx := dict "root" . "component" "api" "name" (include "pingvas-lib.fullname" .) "containerName" .Chart.Name "v" .Values "port" .Values.service.port "persistence" (.Values.persistence | default dict) -}}
{{- if not .Values.autoscaling.enabled -}}
{{- $_ := set $ctx "replicas" .Values.replicaCount -}}
{{- end -}}
{{- include "pingvas-lib.workload" $ctx -}}
{{- end -}}

{{/*
A Deployment from a context dict:
  root, component, name, containerName, port, persistence
  v            the workload's values: image, command?, args?, probes, env, envFrom, resources,
               terminationGracePeriodSeconds, nodeSelector, tolerations, affinity,
               podAnnotations, podLabels, strategy, priorityClassName, topologySpread,
               preStopSleepSeconds (the last five fall back to the root values)
  replicas     set only when something else (HPA, KEDA) does not own the replica count
  podName      true: WORKER_ID = the pod's name

Pods run as a non-root user with a read-only root filesystem (an emptyDir on /tmp), no
privilege escalation, no capabilities, the RuntimeDefault seccomp profile, and no service
account token (the processes never call the Kubernetes API).
*/}}
{{- define "pingvas-lib.workload" -}}
{{- $root := .root -}}
{{- $v := .v -}}
{{- $sel := dict "root" $root "component" .component -}}
{{- $priority := $v.priorityClassName | default $root.Values.priorityClassName -}}
{{- $spread := $v.topologySpread | default $root.Values.topologySpread -}}
{{- $preStop := $v.preStopSleepSeconds | default $root.Values.preStopSleepSeconds -}}
{{- $grace := $v.terminationGracePeriodSeconds | default $root.Values.terminationGracePeriodSeconds | default 30 -}}
{{- if and $preStop (le (int64 $grace) (int64 $preStop)) -}}
{{- fail (printf "%s: terminationGracePeriodSeconds (%v s) must exceed preStopSleepSeconds (%v s)" .name $grace $preStop) -}}
{{- end -}}
{{- $strategy := $v.strategy | default (dict "type" "RollingUpdate" "rollingUpdate" (dict "maxSurge" 1 "maxUnavailable" 0)) -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .name }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "pingvas-lib.labels" $sel | nindent 4 }}
spec:
  {{- if hasKey . "replicas" }}
  replicas: {{ .replicas }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "pingvas-lib.selectorLabels" $sel | nindent 6 }}
  strategy:
    {{- toYaml $strategy | nindent 4 }}
  template:
    metadata:
      labels:
        {{- include "pingvas-lib.labels" $sel | nindent 8 }}
        {{- with $v.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- with $v.podAnnotations }}
      annotations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
    spec:
      serviceAccountName: {{ include "pingvas-lib.serviceAccountName" $root }}
      automountServiceAccountToken: {{ $root.Values.serviceAccount.automount | default false }}
      enableServiceLinks: false
      {{- with $priority }}
      priorityClassName: {{ . }}
      {{- end }}
      {{- with $root.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        {{- toYaml $root.Values.podSecurityContext | nindent 8 }}
      terminationGracePeriodSeconds: {{ $grace }}
      {{- with $v.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- if and $spread $spread.enabled }}
      topologySpreadConstraints:
        {{- range $key := $spread.topologyKeys }}
        - maxSkew: {{ $spread.maxSkew | default 1 }}
          topologyKey: {{ $key }}
          whenUnsatisfiable: {{ $spread.whenUnsatisfiable | default "ScheduleAnyway" }}
          labelSelector:
            matchLabels:
              {{- include "pingvas-lib.selectorLabels" $sel | nindent 14 }}
        {{- end }}
      {{- end }}
      containers:
        - name: {{ .containerName }}
          image: {{ include "pingvas-lib.image" (dict "root" $root "image" $v.image) | quote }}
          imagePullPolicy: {{ $v.image.pullPolicy | default "IfNotPresent" }}
          {{- with $v.command }}
          command:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- with $v.args }}
          args:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          ports:
            - name: http
              containerPort: {{ .port }}
              protocol: TCP
          env:
            {{- include "pingvas-lib.env" (dict "root" $root "env" $v.env "port" .port "persistence" .persistence "podName" .podName) | trim | nindent 12 }}
          {{- $envFrom := include "pingvas-lib.envFrom" ($v.envFrom | default dict) | trim }}
          {{- if $envFrom }}
          envFrom:
            {{- $envFrom | nindent 12 }}
          {{- end }}
          startupProbe:
            {{- include "pingvas-lib.probe" (dict "probe" $v.probes.startup) | nindent 12 }}
          livenessProbe:
            {{- include "pingvas-lib.probe" (dict "probe" $v.probes.liveness) | nindent 12 }}
          readinessProbe:
            {{- include "pingvas-lib.probe" (dict "probe" $v.probes.readiness) | nindent 12 }}
          {{- /* Sleep before SIGTERM so the endpoint removal reaches every kube-proxy and ingress
          first (seed 000). exec sleep, not the native `sleep` action: that is beta only from
          Kubernetes 1.30 and the images ship coreutils' sleep. The sleep counts against
          terminationGracePeriodSeconds. */}}
          {{- with $preStop }}
          lifecycle:
            preStop:
              exec:
                command: ["sleep", {{ . | quote }}]
          {{- end }}
          resources:
            {{- toYaml $v.resources | nindent 12 }}
          securityContext:
            {{- toYaml $root.Values.securityContext | nindent 12 }}
          volumeMounts:
            {{- include "pingvas-lib.volumeMounts" (dict "persistence" .persistence) | nindent 12 }}
      volumes:
        {{- include "pingvas-lib.volumes" (dict "persistence" .persistence "tmpSizeLimit" $v.tmpSizeLimit) | nindent 8 }}
{{- end -}}

{{/*
An HTTP probe on the container's "http" port: (dict "probe" {path, periodSeconds,
failureThreshold, timeoutSeconds?, initialDelaySeconds?}).
*/}}
{{- define "pingvas-lib.probe" -}}
httpGet:
  path: {{ .probe.path }}
  port: http
{{- with .probe.initialDelaySeconds }}
initialDelaySeconds: {{ . }}
{{- end }}
periodSeconds: {{ .probe.periodSeconds | default 10 }}
timeoutSeconds: {{ .probe.timeoutSeconds | default 3 }}
failureThreshold: {{ .probe.failureThreshold | default 3 }}
{{- end -}}
