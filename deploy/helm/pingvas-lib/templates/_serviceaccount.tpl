{{/*
ServiceAccount of the release (shared by its Deployments): {{ include "pingvas-lib.serviceAccount" . }}
Its token is not mounted (automountServiceAccountToken: false unless serviceAccount.automount);
annotations carry e.g. an IRSA role for S3 later.
*/}}
{{- define "pingvas-lib.serviceAccount" -}}
{{- if .Values.serviceAccount.create -}}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "pingvas-lib.serviceAccountName" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "pingvas-lib.labels" (dict "root" . "component" "api") | nindent 4 }}
  {{- with .Values.serviceAccount.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
automountServiceAccountToken: {{ .Values.serviceAccount.automount | default false }}
{{- end -}}
{{- end -}}
