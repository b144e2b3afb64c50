/** The processes of the suite, their default HTTP ports and RPC prefixes (DESIGN §1). */
export const SERVICES = {
  user: { name: 'user-service', port: 8001 },
  payment: { name: 'payment-service', port: 8002 },
  generation: { name: 'generation-service', port: 8003 },
  gallery: { name: 'gallery-service', port: 8004 },
  model: { name: 'model-service', port: 8005 },
} as const;

export const GPU_WORKER = { name: 'gpu-worker', port: 9091 } as const;

/**
 * The system worker (seed 004's system workers, DESIGN §16): mail, data exports and other
 * background jobs that need no GPU. It serves only /health, /ready and /metrics.
 */
export const SYSTEM_WORKER = { name: 'system-worker', port: 9092 } as const;

/**
 * The web app's origin (DESIGN §14). Locally it is the edge, `apps/edge`: it serves the built
 * `apps/web` and forwards `/api/v1` by the route table; in Kubernetes an Ingress and the web
 * chart's nginx do the same. `npm start` reads WEB_PORT for it.
 */
export const WEB = { name: 'web', port: 8080, app: 'edge' } as const;

export type ServiceKey = keyof typeof SERVICES;
export type ServiceName = (typeof SERVICES)[ServiceKey]['name'];
export type ProcessName =
  ServiceName | typeof GPU_WORKER.name | typeof SYSTEM_WORKER.name | typeof WEB.name;

export const SERVICE_KEYS = Object.keys(SERVICES) as ServiceKey[];

/** Short name used in table names (`migrations_<short>`) and RPC patterns. */
export function serviceKeyOf(name: ServiceName): ServiceKey {
  const key = SERVICE_KEYS.find((k) => SERVICES[k].name === name);
  if (!key) throw new Error(`unknown service ${name}`);
  return key;
}
