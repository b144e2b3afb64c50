{{/*
Names and labels.

Most templates of this library take a context dict rather than the root:
  (dict "root" $ "component" "api")
root is the app chart's top-level context; component is the app.kubernetes.io/component of
the objects ("api" for a service, "gpu-worker", "migration"). Wrappers that take the root
(pingvas-lib.deployment, pingvas-lib.service, ...) build that dict for the "api" component.
*/}}

{{/* Chart name, 63 characters at most (DNS label). */}}
{{- define "pingvas-lib.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Fully qualified name: <release>-<chart>, or the release name alone when it already contains
the chart name (ArgoCD's "dev-user-service"), truncated to 63 characters.
*/}}
{{- define "pingvas-lib.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Name of a second workload of the release: (dict "root" $ "suffix" "gpu-worker"). */}}
{{- define "pingvas-lib.componentFullname" -}}
{{- printf "%s-%s" (include "pingvas-lib.fullname" .root) .suffix | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Full name of another Pingvas chart's release in the same namespace, assuming the releases are
named alike: this release's full name with this chart's name replaced by the other one
("dev-generation-service" -> "dev-user-service", "pingvas-generation-service" ->
"pingvas-user-service"). (dict "root" $ "chart" "user-service")
*/}}
{{- define "pingvas-lib.peerFullname" -}}
{{- $self := include "pingvas-lib.fullname" .root -}}
{{- $name := include "pingvas-lib.name" .root -}}
{{- if contains $name $self -}}
{{- replace $name .chart $self | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .root.Release.Name .chart | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* helm.sh/chart label value. */}}
{{- define "pingvas-lib.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Selector labels (immutable once deployed): (dict "root" $ "component" "api"). */}}
{{- define "pingvas-lib.selectorLabels" -}}
app.kubernetes.io/name: {{ include "pingvas-lib.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/*
Common labels. app.kubernetes.io/part-of: pingvas marks every pod of the suite; the
NetworkPolicies let pods with it reach each other inside the namespace.
*/}}
{{- define "pingvas-lib.labels" -}}
helm.sh/chart: {{ include "pingvas-lib.chart" .root }}
{{ include "pingvas-lib.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: pingvas
{{- end -}}

{{/* ServiceAccount used by the pods of the release. */}}
{{- define "pingvas-lib.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "pingvas-lib.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/*
image reference: (dict "root" $ "image" <image values>). The tag is the commit CI built the image
from: values-dev.yaml and values-prod.yaml carry it (the delivery workflow writes dev's, a pull
request copies it to prod). A workload image without a tag of its own (the gpu-worker, the
system-worker) takes the chart's image.tag, since CI tags every image of a commit alike. No tag
fails: the chart has no default tag, so it cannot deploy one that CI never pushed.
*/}}
{{- define "pingvas-lib.image" -}}
{{- $tag := .image.tag | default .root.Values.image.tag | default "" | toString -}}
{{- $msg := printf "%s: image.tag is required: the commit SHA whose images CI pushed (values-dev.yaml and values-prod.yaml carry it; by hand: --set-string image.tag=<sha>)" .root.Chart.Name -}}
{{- printf "%s:%s" .image.repository (required $msg $tag) -}}
{{- end -}}
