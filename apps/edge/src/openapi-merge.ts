import { SERVICES, type ServiceKey, serviceForPath } from '@pingvas/contracts';

/** The parts of an OpenAPI 3 document that merging touches; the rest passes through. */
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, unknown>; securitySchemes?: Record<string, unknown> };
  tags?: { name: string; description?: string }[];
  [key: string]: unknown;
}

interface OpenApiOperation {
  tags?: string[];
  security?: Record<string, string[]>[];
  [key: string]: unknown;
}

export interface ServiceDocument {
  service: ServiceKey;
  /** Undefined when the service did not answer; `error` says why. */
  document?: OpenApiDocument;
  error?: string;
}

/** The one "Authorize" of the reference: every service accepts both kinds of credential. */
export const BEARER_SCHEME = 'bearer';
const SECURITY_SCHEMES = {
  [BEARER_SCHEME]: {
    type: 'http',
    scheme: 'bearer',
    description:
      'An access token (the accessToken of POST /api/v1/auth/login) or an API key (pv_…, POST /api/v1/api-keys)',
  },
};

const REF_PREFIX = '#/components/schemas/';

/** Deep copy of `value` with every `$ref` to a renamed schema pointing at its new name. */
function renameRefs<T>(value: T, renames: ReadonlyMap<string, string>): T {
  if (Array.isArray(value)) return value.map((v) => renameRefs(v, renames)) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === '$ref' && typeof v === 'string' && v.startsWith(REF_PREFIX)) {
      const name = v.slice(REF_PREFIX.length);
      out[key] = `${REF_PREFIX}${renames.get(name) ?? name}`;
    } else {
      out[key] = renameRefs(v, renames);
    }
  }
  return out as T;
}

const tagOf = (service: ServiceKey, tag?: string) =>
  tag ? `${SERVICES[service].name}: ${tag}` : SERVICES[service].name;

/**
 * One OpenAPI document for the whole suite (served by the edge at /api/docs): the operations of
 * each service that the route table sends to it (probes and JWKS stay out: the edge does not
 * forward them), tagged `<service>: <tag>`. Schemas that two services name alike but define
 * differently are renamed `<Name>_<service>`; one bearer scheme replaces each service's.
 */
export function mergeOpenApi(parts: readonly ServiceDocument[]): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  const schemas: Record<string, unknown> = {};
  const tags = new Map<string, { name: string; description?: string }>();
  const missing: string[] = [];

  for (const { service, document, error } of parts) {
    if (!document) {
      missing.push(`${SERVICES[service].name} (${error ?? 'no document'})`);
      continue;
    }
    const own = document.components?.schemas ?? {};
    const renames = new Map<string, string>();
    for (const [name, schema] of Object.entries(own)) {
      const taken = schemas[name];
      if (taken !== undefined && JSON.stringify(taken) !== JSON.stringify(schema)) {
        renames.set(name, `${name}_${service}`);
      }
    }
    for (const [name, schema] of Object.entries(own)) {
      schemas[renames.get(name) ?? name] = renameRefs(schema, renames);
    }
    for (const tag of document.tags ?? []) {
      const name = tagOf(service, tag.name);
      tags.set(name, { ...tag, name });
    }
    for (const [path, operations] of Object.entries(document.paths ?? {})) {
      if (serviceForPath(path) !== service) continue;
      const merged: Record<string, OpenApiOperation> = {};
      for (const [method, operation] of Object.entries(renameRefs(operations, renames))) {
        const opTags = operation.tags?.length ? operation.tags : [undefined];
        const secured = (operation.security ?? []).some((s) => Object.keys(s).length > 0);
        merged[method] = {
          ...operation,
          tags: opTags.map((t) => tagOf(service, t)),
          ...(operation.security
            ? { security: secured ? [{ [BEARER_SCHEME]: [] }] : operation.security }
            : {}),
        };
        for (const t of merged[method].tags!) if (!tags.has(t)) tags.set(t, { name: t });
      }
      paths[path] = merged;
    }
  }

  const services = parts.map((p) => SERVICES[p.service].name).join(', ');
  const description = [
    `The REST API of every Pingvas service (${services}) on one origin: the edge forwards each /api/v1 path to the service that owns it.`,
    ...(missing.length ? [`Missing now (the service did not answer): ${missing.join('; ')}.`] : []),
  ].join('\n\n');
  return {
    openapi: '3.0.0',
    info: { title: 'Pingvas API', version: '1', description },
    paths,
    components: { schemas, securitySchemes: SECURITY_SCHEMES },
    tags: [...tags.values()].sort((a, b) => a.name.localeCompare(b.name)),
  };
}
