{{/*
ServiceMonitor (monitoring.coreos.com/v1) for the service's /metrics:
  {{ include "pingvas-lib.serviceMonitor" . }}
It selects the Service by its selector labels (the component keeps the GPU worker's Service
out) and scrapes the port named "http". serviceMonitor.labels are added to the object, for a
Prometheus whose serviceMonitorSelector wants e.g. `release: kube-prometheus-stack`.
*/}}
{{- define "pingvas-lib.serviceMonitor" -}}
{{- include "pingvas-lib.serviceMonitorFor" (dict "root" . "component" "api" "name" (include "pingvas-lib.fullname" .)) -}}
{{- end -}}

{{/* (dict "root" $ "component" "gpu-worker" "name" ...) */}}
{{- define "pingvas-lib.serviceMonitorFor" -}}
{{- $sm := .root.Values.serviceMonitor -}}
{{- if $sm.enabled -}}
{{- $sel := dict "root" .root "component" .component -}}
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ .name }}
  namespace: {{ .root.Release.Namespace }}
  labels:
    {{- include "pingvas-lib.labels" $sel | nindent 4 }}
    {{- with $sm.labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  selector:
    matchLabels:
      {{- include "pingvas-lib.selectorLabels" $sel | nindent 6 }}
  namespaceSelector:
    matchNames:
      - {{ .root.Release.Namespace }}
  endpoints:
    - port: http
      path: {{ $sm.path | default "/metrics" }}
      interval: {{ $sm.interval | default "30s" }}
      {{- with $sm.scrapeTimeout }}
      scrapeTimeout: {{ . }}
      {{- end }}
{{- end -}}
{{- end -}}
