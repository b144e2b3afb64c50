{{/*
The system worker (apps/system-worker) belongs to this chart: it consumes the system-email and
system-export queues that user-service fills (and every service's mail), so both ship and roll
back together.
*/}}

{{/* Name of the worker's objects: <fullname>-system-worker. */}}
{{- define "user-service.systemWorker.fullname" -}}
{{- include "pingvas-lib.componentFullname" (dict "root" . "suffix" "system-worker") -}}
{{- end -}}

{{/*
The worker's plain environment: the settings it must share with user-service (APP_ENV,
DB_SCHEMA, QUEUE_PREFIX, RPC_NAMESPACE, the Sentinels, ...) come from the chart's `env`, so the
worker can never read another environment's queues nor write another environment's tables;
the blob store (STORAGE_DRIVER, S3_*) likewise, so the zips it writes are the ones user-service
streams. `systemWorker.env` adds and overrides the rest (MAIL_FROM). Rendered as YAML (include
cannot return a dict).
*/}}
{{- define "user-service.systemWorker.env" -}}
{{- $env := dict -}}
{{- range $k := list "APP_ENV" "DB_SCHEMA" "QUEUE_PREFIX" "RPC_NAMESPACE" "RPC_TIMEOUT_MS" "REDIS_SENTINELS" "REDIS_SENTINEL_NAME" "LOG_LEVEL" "SHUTDOWN_TIMEOUT_MS" "JWKS_URL" "JWT_ISSUER" "JWT_AUDIENCE" "STORAGE_DRIVER" "S3_BUCKET" "S3_REGION" "S3_ENDPOINT" "S3_FORCE_PATH_STYLE" "S3_KEY_PREFIX" -}}
{{- if hasKey $.Values.env $k -}}
{{- $_ := set $env $k (get $.Values.env $k) -}}
{{- end -}}
{{- end -}}
{{- range $k, $v := (.Values.systemWorker.env | default dict) -}}
{{- $_ := set $env $k $v -}}
{{- end -}}
{{- toYaml $env -}}
{{- end -}}
