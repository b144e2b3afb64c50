{{/*
PodDisruptionBudget (policy/v1) of the service's pods, when podDisruptionBudget.enabled:
minAvailable (a number or a percentage), or maxUnavailable when that is set instead. Keep
minAvailable below the smallest replica count, or a node drain waits forever.
*/}}
{{- define "pingvas-lib.pdb" -}}
{{- if .Values.podDisruptionBudget.enabled -}}
{{- $p := .Values.podDisruptionBudget -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "pingvas-lib.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "pingvas-lib.labels" (dict "root" . "component" "api") | nindent 4 }}
spec:
  {{- if hasKey $p "maxUnavailable" }}
  maxUnavailable: {{ $p.maxUnavailable }}
  {{- else }}
  minAvailable: {{ $p.minAvailable }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "pingvas-lib.selectorLabels" (dict "root" . "component" "api") | nindent 6 }}
{{- end -}}
{{- end -}}
