{{/* Service of the service itself: {{ include "pingvas-lib.service" . }} */}}
{{- define "pingvas-lib.service" -}}
{{- include "pingvas-lib.serviceFor" (dict "root" . "component" "api" "name" (include "pingvas-lib.fullname" .) "port" .Values.service.port "type" (.Values.service.type | default "ClusterIP")) -}}
{{- end -}}

{{/*
A Service from (dict "root" $ "component" "api" "name" ... "port" 8001 "type" "ClusterIP"
"headless" false). The port is named "http"; the ServiceMonitors scrape it by that name.
*/}}
{{- define "pingvas-lib.serviceFor" -}}
{{- $sel := dict "root" .root "component" .component -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ .name }}
  namespace: {{ .root.Release.Namespace }}
  labels:
    {{- include "pingvas-lib.labels" $sel | nindent 4 }}
spec:
  type: {{ .type | default "ClusterIP" }}
  {{- if .headless }}
  clusterIP: None
  {{- end }}
  selector:
    {{- include "pingvas-lib.selectorLabels" $sel | nindent 4 }}
  ports:
    - name: http
      port: {{ .port }}
      targetPort: http
      protocol: TCP
{{- end -}}
