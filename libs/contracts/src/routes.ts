import type { ServiceKey } from './services';

/** Every public REST route starts here (each service's global prefix). */
export const API_BASE = '/api/v1';

/**
 * Which service answers each path prefix under `/api/v1` (DESIGN §14): the local edge forwards
 * by it and the Ingress of deploy/helm/web is checked against it. A prefix is one or more whole
 * path segments; the longest one that matches wins (`admin/credits` before a future `admin`).
 * test/deploy/routes.spec.ts fails when a controller's path is missing here or points elsewhere.
 */
export const API_ROUTES = {
  auth: 'user',
  users: 'user',
  'api-keys': 'user',
  exports: 'user',
  plans: 'payment',
  credits: 'payment',
  billing: 'payment',
  webhooks: 'payment',
  'admin/credits': 'payment',
  generations: 'generation',
  queue: 'generation',
  images: 'gallery',
  boards: 'gallery',
  search: 'gallery',
  models: 'model',
} as const satisfies Record<string, ServiceKey>;

export type ApiPrefix = keyof typeof API_ROUTES;

/**
 * Routes that answer Server-Sent Events: proxies must pass them through unbuffered and
 * uncompressed, with long read timeouts. `:name` stands for one path segment.
 */
export const SSE_ROUTES = [{ service: 'generation', path: 'generations/:id/events' }] as const;

const PREFIXES = (Object.keys(API_ROUTES) as ApiPrefix[]).sort((a, b) => b.length - a.length);

/** The prefix that routes `path` (`/api/v1/...`, query string allowed), or undefined. */
export function apiPrefixOf(path: string): ApiPrefix | undefined {
  const pathname = path.split('?')[0];
  if (!pathname.startsWith(`${API_BASE}/`)) return undefined;
  const rest = pathname.slice(API_BASE.length + 1);
  return PREFIXES.find((prefix) => rest === prefix || rest.startsWith(`${prefix}/`));
}

/** The service that answers `path`, or undefined when no prefix routes it. */
export function serviceForPath(path: string): ServiceKey | undefined {
  const prefix = apiPrefixOf(path);
  return prefix && API_ROUTES[prefix];
}

/** A path pattern (`generations/:id/events`) as an anchored regular expression source. */
export function ssePathPattern(route: { path: string }): string {
  const segments = route.path
    .split('/')
    .map((s) => (s.startsWith(':') ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  return `${API_BASE}/${segments.join('/')}`;
}

/** Whether `path` is one of the SSE routes. */
export function isSsePath(path: string): boolean {
  const pathname = path.split('?')[0];
  return SSE_ROUTES.some((route) => new RegExp(`^${ssePathPattern(route)}$`).test(pathname));
}
