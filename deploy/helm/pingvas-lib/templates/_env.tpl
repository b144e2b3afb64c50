{{/*
Container environment.

pingvas-lib.env renders the `env:` list of a container from a context dict:
  root         the chart's root context
  env          map of plain settings (values `env:`); empty values are left out, so the
               process's own default applies
  port         the HTTP port; PORT is set from it unless env sets PORT
  persistence  map of volumes (values `persistence:`); MODELS_DIR / STORAGE_DIR are set to
               their mount paths unless env sets them
  podName      when true, WORKER_ID is the pod's name (the GPU worker)

JWKS_URL defaults to the user-service of the same release set in this namespace
(http://<release>-user-service.<namespace>.svc:8001/.well-known/jwks.json); set env.JWKS_URL to
point elsewhere. Secrets never appear here: they come through envFrom (pingvas-lib.envFrom).
Entries of `env:` win over envFrom (Kubernetes gives `env` precedence).
*/}}
{{- define "pingvas-lib.env" -}}
{{- $root := .root -}}
{{- $env := dict -}}
{{- range $k, $v := (.env | default dict) -}}
{{- if ne (toString $v) "" -}}
{{- $_ := set $env $k (toString $v) -}}
{{- end -}}
{{- end -}}
{{- if not (hasKey $env "PORT") -}}
{{- $_ := set $env "PORT" (toString .port) -}}
{{- end -}}
{{- if not (hasKey $env "JWKS_URL") -}}
{{- $user := include "pingvas-lib.peerFullname" (dict "root" $root "chart" "user-service") -}}
{{- $_ := set $env "JWKS_URL" (printf "http://%s.%s.svc:8001/.well-known/jwks.json" $user $root.Release.Namespace) -}}
{{- end -}}
{{- $dirVars := dict "models" "MODELS_DIR" "storage" "STORAGE_DIR" -}}
{{- range $key, $p := (.persistence | default dict) -}}
{{- $var := get $dirVars $key -}}
{{- if and $var (not (hasKey $env $var)) -}}
{{- $_ := set $env $var $p.mountPath -}}
{{- end -}}
{{- end }}
{{- range $k, $v := $env }}
- name: {{ $k }}
  value: {{ $v | quote }}
{{- end }}
{{- if and .podName (not (hasKey $env "WORKER_ID")) }}
- name: WORKER_ID
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
{{- end }}
{{- end -}}

{{/*
envFrom list from (dict "configMaps" [...] "secrets" [...]). Each entry is the name of an
existing ConfigMap / Secret (an ExternalSecret's target, a SealedSecret's, ...) or
{name, optional}. No secret value is ever written in a values file.
*/}}
{{- define "pingvas-lib.envFrom" -}}
{{- range (.configMaps | default list) }}
- configMapRef:
    name: {{ if kindIs "string" . }}{{ . }}{{ else }}{{ .name }}{{ end }}
    {{- if and (kindIs "map" .) .optional }}
    optional: true
    {{- end }}
{{- end }}
{{- range (.secrets | default list) }}
- secretRef:
    name: {{ if kindIs "string" . }}{{ . }}{{ else }}{{ .name }}{{ end }}
    {{- if and (kindIs "map" .) .optional }}
    optional: true
    {{- end }}
{{- end }}
{{- end -}}
