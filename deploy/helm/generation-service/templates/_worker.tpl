{{/*
The GPU worker (apps/gpu-worker) belongs to this chart: it consumes the tier queues that
generation-service fills and reports back to it, so both ship and roll back together.
*/}}

{{/* Name of the worker's objects: <fullname>-gpu-worker. */}}
{{- define "generation-service.worker.fullname" -}}
{{- include "pingvas-lib.componentFullname" (dict "root" . "suffix" "gpu-worker") -}}
{{- end -}}

{{/*
The worker's plain environment: the settings it must share with generation-service (APP_ENV,
DB_SCHEMA, QUEUE_PREFIX, RPC_NAMESPACE, the Sentinels (REDIS_SENTINELS, REDIS_SENTINEL_NAME), the blob store's STORAGE_DRIVER and S3_*, ...) come
from the chart's `env`, so the worker can never read another environment's queues nor write
another environment's bucket; `worker.env` adds and overrides the rest. Rendered
as YAML (include cannot return a dict).
*/}}
{{- define "generation-service.worker.env" -}}
{{- $env := dict -}}
{{- range $k := list "APP_ENV" "DB_SCHEMA" "QUEUE_PREFIX" "RPC_NAMESPACE" "RPC_TIMEOUT_MS" "REDIS_SENTINELS" "REDIS_SENTINEL_NAME" "LOG_LEVEL" "SHUTDOWN_TIMEOUT_MS" "JWKS_URL" "JWT_ISSUER" "JWT_AUDIENCE" "STORAGE_DRIVER" "S3_BUCKET" "S3_REGION" "S3_ENDPOINT" "S3_FORCE_PATH_STYLE" "S3_KEY_PREFIX" -}}
{{- if hasKey $.Values.env $k -}}
{{- $_ := set $env $k (get $.Values.env $k) -}}
{{- end -}}
{{- end -}}
{{- range $k, $v := (.Values.worker.env | default dict) -}}
{{- $_ := set $env $k $v -}}
{{- end -}}
{{- with .Values.worker.modelCache -}}
{{- $_ := set $env "MODEL_CACHE_DIR" .mountPath -}}
{{- $_ := set $env "MODEL_CACHE_MAX_BYTES" (toString .maxBytes) -}}
{{- end -}}
{{- toYaml $env -}}
{{- end -}}

{{/*
The worker's volumes: worker.persistence plus the model cache at MODEL_CACHE_DIR, a folder of
the node (worker.modelCache.hostPath) that the node's worker pods share, or, with hostPath
disabled, an emptyDir of the pod's own. Rendered as YAML, like the env.
*/}}
{{- define "generation-service.worker.persistence" -}}
{{- $p := deepCopy (.Values.worker.persistence | default dict) -}}
{{- with .Values.worker.modelCache -}}
{{- $cache := dict "mountPath" .mountPath -}}
{{- if .hostPath.enabled -}}
{{- $_ := set $cache "hostPath" (dict "path" .hostPath.path "type" .hostPath.type) -}}
{{- else if .sizeLimit -}}
{{- $_ := set $cache "sizeLimit" .sizeLimit -}}
{{- end -}}
{{- $_ := set $p "model-cache" $cache -}}
{{- end -}}
{{- toYaml $p -}}
{{- end -}}
