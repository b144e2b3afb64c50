import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type BaseConfig, type Env, envInt, loadBaseConfig, parseEnv } from '@pingvas/common';
import { SERVICE_KEYS, SERVICES, type ServiceKey, WEB } from '@pingvas/contracts';
import { z } from 'zod';

export interface EdgeConfig extends BaseConfig {
  /** The built web app (apps/web/dist): index.html and hashed files under assets/. */
  webDist: string;
  /** Where each service answers; the edge forwards /api/v1 by the route table to these. */
  upstreams: Record<ServiceKey, string>;
  /** How long the merged API reference waits for each service's OpenAPI document. */
  docsTimeoutMs: number;
}

/** `USER_SERVICE` for `user-service`: the prefix of `<NAME>_URL` and `<NAME>_PORT`. */
const variableOf = (key: ServiceKey) => SERVICES[key].name.toUpperCase().replace(/-/g, '_');

const upstreamUrl = z.string().refine(
  (value) => {
    try {
      return ['http:', 'https:'].includes(new URL(value).protocol);
    } catch {
      return false;
    }
  },
  { message: 'must be a URL starting with http:// or https://' },
);

const edgeEnvSchema = z.object({
  WEB_DIST: z.string().optional(),
  DOCS_TIMEOUT_MS: envInt(100, 60_000).default(3000),
});

const upstreamEnvSchema = z.object(
  Object.fromEntries(
    SERVICE_KEYS.flatMap((key) => [
      [`${variableOf(key)}_URL`, upstreamUrl.optional()],
      [`${variableOf(key)}_PORT`, envInt(1, 65_535).optional()],
    ]),
  ) as Record<string, z.ZodOptional<typeof upstreamUrl> | z.ZodOptional<ReturnType<typeof envInt>>>,
);

/** The repository root: the nearest folder above this file (built or not) with a package.json. */
function repositoryRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/**
 * The edge reads the same `<NAME>_PORT` overrides as `npm start`, so `USER_SERVICE_PORT=9001
 * npm start` needs nothing else; `<NAME>_URL` points at a service elsewhere.
 */
export function loadEdgeConfig(env: Env): EdgeConfig {
  const base = loadBaseConfig(WEB.name, WEB.port, env);
  const e = parseEnv(WEB.name, edgeEnvSchema, env);
  const u = parseEnv(WEB.name, upstreamEnvSchema, env) as Record<string, string | number>;
  const upstreams = Object.fromEntries(
    SERVICE_KEYS.map((key) => {
      const url = u[`${variableOf(key)}_URL`];
      const port = u[`${variableOf(key)}_PORT`] ?? SERVICES[key].port;
      return [key, String(url ?? `http://127.0.0.1:${port}`).replace(/\/$/, '')];
    }),
  ) as Record<ServiceKey, string>;
  return {
    ...base,
    webDist: e.WEB_DIST ?? join(repositoryRoot(__dirname), 'apps', 'web', 'dist'),
    upstreams,
    docsTimeoutMs: e.DOCS_TIMEOUT_MS,
  };
}
