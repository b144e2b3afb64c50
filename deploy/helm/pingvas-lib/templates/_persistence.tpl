{{/*
Volumes shared between processes, from a values map such as

  persistence:
    models:  { enabled: true, existingClaim: pingvas-models,  mountPath: /models,       readOnly: false }
    storage: { enabled: true, existingClaim: pingvas-storage, mountPath: /data/storage, readOnly: false }

"models" is MODELS_DIR (model-service, gpu-worker), "storage" is STORAGE_DIR (gallery-service,
gpu-worker: the PNG files; a ReadWriteMany claim). The claims are not created by these charts:
they name existing PersistentVolumeClaims (EFS / NFS, ReadWriteMany). A disabled entry mounts an
emptyDir at the same path (a single pod's scratch space: fine for a look around, not shared).
An entry with `hostPath: { path, type }` mounts that folder of the node instead (the pods of one
node share it: the GPU worker's model cache); `sizeLimit` bounds a disabled entry's emptyDir.

Every pod also gets an emptyDir on /tmp because the root filesystem is read-only.
*/}}

{{/* volumes: (dict "persistence" map "tmpSizeLimit" "512Mi") */}}
{{- define "pingvas-lib.volumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .tmpSizeLimit | default "512Mi" }}
{{- range $key, $p := (.persistence | default dict) }}
- name: {{ $key }}
  {{- if $p.hostPath }}
  hostPath:
    path: {{ required (printf "persistence.%s.hostPath.path is required" $key) $p.hostPath.path }}
    type: {{ $p.hostPath.type | default "DirectoryOrCreate" }}
  {{- else if $p.enabled }}
  persistentVolumeClaim:
    claimName: {{ required (printf "persistence.%s.existingClaim is required when persistence.%s.enabled" $key $key) $p.existingClaim }}
    {{- if $p.readOnly }}
    readOnly: true
    {{- end }}
  {{- else if $p.sizeLimit }}
  emptyDir:
    sizeLimit: {{ $p.sizeLimit }}
  {{- else }}
  emptyDir: {}
  {{- end }}
{{- end }}
{{- end -}}

{{/* volumeMounts: (dict "persistence" map) */}}
{{- define "pingvas-lib.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
{{- range $key, $p := (.persistence | default dict) }}
- name: {{ $key }}
  mountPath: {{ $p.mountPath }}
  {{- with $p.subPath }}
  subPath: {{ . }}
  {{- end }}
  {{- if $p.readOnly }}
  readOnly: true
  {{- end }}
{{- end }}
{{- end -}}
