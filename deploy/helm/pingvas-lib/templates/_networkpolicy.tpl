{{/*
NetworkPolicy of the service's pods: {{ include "pingvas-lib.networkPolicy" . }}

Ingress (to the HTTP port only):
  - from the ingress controller: networkPolicy.ingressControllers, a list of NetworkPolicyPeer
    (namespaceSelector + podSelector of the controller's pods, or an ipBlock for a load
    balancer that sends straight to pod IPs)
  - from the other pods of the Pingvas suite in this namespace (app.kubernetes.io/part-of:
    pingvas), e.g. every service fetching user-service's JWKS
  - from Prometheus (networkPolicy.prometheus peers), so that /metrics can be scraped
  - networkPolicy.extraIngress: raw rules
Egress:
  - DNS (53/UDP and 53/TCP), PostgreSQL, Redis (and Sentinel), Elasticsearch: the ports in
    networkPolicy.egress.<name>.ports, to networkPolicy.egress.<name>.to when given (e.g. the
    VPC CIDR of RDS / ElastiCache), else to any address on those ports
  - the other Pingvas services in this namespace (8001-8005)
  - networkPolicy.egress.extra: raw rules (payment-service: HTTPS to Lemon Squeezy)
The namespace-wide policies (dev cannot reach prod) live in deploy/k8s; these add a
per-workload allow-list on top of them.
*/}}
{{- define "pingvas-lib.networkPolicy" -}}
{{- include "pingvas-lib.networkPolicyFor" (dict "root" . "component" "api" "name" (include "pingvas-lib.fullname" .) "port" .Values.service.port "public" true) -}}
{{- end -}}

{{/*
(dict "root" $ "component" "gpu-worker" "name" ... "port" 9091 "public" false)
public: whether the ingress controller and the suite's pods may call the port (the GPU worker
only serves probes and metrics, so it is reached by Prometheus alone).
*/}}
{{- define "pingvas-lib.networkPolicyFor" -}}
{{- $np := .root.Values.networkPolicy -}}
{{- if $np.enabled -}}
{{- $sel := dict "root" .root "component" .component -}}
{{- $port := .port -}}
{{- $eg := $np.egress | default dict -}}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ .name }}
  namespace: {{ .root.Release.Namespace }}
  labels:
    {{- include "pingvas-lib.labels" $sel | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "pingvas-lib.selectorLabels" $sel | nindent 6 }}
  policyTypes:
    - Ingress
    - Egress
  ingress:
    {{- if .public }}
    {{- with $np.ingressControllers }}
    - from:
        {{- toYaml . | nindent 8 }}
      ports:
        - protocol: TCP
          port: {{ $port }}
    {{- end }}
    - from:
        - podSelector:
            matchLabels:
              app.kubernetes.io/part-of: pingvas
      ports:
        - protocol: TCP
          port: {{ $port }}
    {{- end }}
    {{- with $np.prometheus }}
    - from:
        {{- toYaml . | nindent 8 }}
      ports:
        - protocol: TCP
          port: {{ $port }}
    {{- end }}
    {{- with $np.extraIngress }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
    {{- if not (or .public $np.prometheus $np.extraIngress) }} []{{ end }}
  egress:
    {{- if ne (toString $eg.dns) "false" }}
    - ports:
        - protocol: UDP
          port: 53
        - protocol: TCP
          port: 53
    {{- end }}
    {{- range $name := list "postgresql" "redis" "elasticsearch" }}
    {{- $r := get $eg $name }}
    {{- if and $r $r.enabled }}
    - ports:
        {{- range $r.ports }}
        - protocol: TCP
          port: {{ . }}
        {{- end }}
      {{- with $r.to }}
      to:
        {{- toYaml . | nindent 8 }}
      {{- end }}
    {{- end }}
    {{- end }}
    {{- if ne (toString $eg.pingvasServices) "false" }}
    - to:
        - podSelector:
            matchLabels:
              app.kubernetes.io/part-of: pingvas
      ports:
        {{- range $p := list 8001 8002 8003 8004 8005 }}
        - protocol: TCP
          port: {{ $p }}
        {{- end }}
    {{- end }}
    {{- with $eg.extra }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
{{- end -}}
{{- end -}}
