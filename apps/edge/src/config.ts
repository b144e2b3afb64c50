import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type Env, envInt, envUrl, loadServiceConfig } from '@pingvas/common';
import { SERVICE_KEYS, SERVICES, type ServiceKey, WEB } from '@pingvas/contracts';
import { loadStorageConfig, presignedUrlOrigin } from '@pingvas/storage';
import { z } from 'zod';

/** `USER_SERVICE` for `user-service`: the prefix of `<NAME>_URL` and `<NAME>_PORT`. */
const variableOf = (key: ServiceKey) => SERVICES[key].name.toUpperCase().replace(/-/g, '_');

const upstreamUrl = envUrl(['http:', 'https:']).optional();
const upstreamPort = envInt(1, 65_535).optional();

/** `<NAME>_URL` and `<NAME>_PORT` of every service, named from the service list. */
const upstreamEnv: Record<string, typeof upstreamUrl | typeof upstreamPort> = Object.fromEntries(
  SERVICE_KEYS.flatMap((key) => [
    [`${variableOf(key)}_URL`, upstreamUrl],
    [`${variableOf(key)}_PORT`, upstreamPort],
  ]),
);

const edgeEnv = {
  /** The built web app (apps/web/dist): index.html and hashed files under assets/. */
  WEB_DIST: z.string().optional(),
  /** How long the merged API reference waits for each service's OpenAPI document. */
  DOCS_TIMEOUT_MS: envInt(100, 60_000).default(3000),
  ...upstreamEnv,
};

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
export function loadEdgeConfig(env: Env) {
  return loadServiceConfig(WEB.name, WEB.port, env, edgeEnv, (e) => {
    const variables: Readonly<Record<string, string | number | undefined>> = e;
    /** Where each service answers; the edge forwards /api/v1 by the route table to these. */
    const upstreams = Object.fromEntries(
      SERVICE_KEYS.map((key) => {
        const url = variables[`${variableOf(key)}_URL`];
        const port = variables[`${variableOf(key)}_PORT`] ?? SERVICES[key].port;
        return [key, String(url ?? `http://127.0.0.1:${port}`).replace(/\/$/, '')];
      }),
    ) as Record<ServiceKey, string>;
    // `npm start` gives every process the same storage variables: with S3_ENDPOINT (MinIO) the
    // pages may show images from there.
    const storageOrigin = presignedUrlOrigin(loadStorageConfig(WEB.name, env));
    return {
      webDist: e.WEB_DIST ?? join(repositoryRoot(__dirname), 'apps', 'web', 'dist'),
      imageSources: storageOrigin ? [storageOrigin] : [],
      upstreams,
      docsTimeoutMs: e.DOCS_TIMEOUT_MS,
    };
  });
}

export type EdgeConfig = ReturnType<typeof loadEdgeConfig>;
