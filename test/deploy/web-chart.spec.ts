import { join } from 'node:path';
import {
  API_BASE,
  API_ROUTES,
  isSsePath,
  SERVICES,
  SSE_ROUTES,
  ssePathPattern,
  WEB,
} from '@pingvas/contracts';
import Ajv from 'ajv';
import { chartValues, readText, readYaml } from './files';

const DIR = join('deploy', 'helm', WEB.name);
const ENVS = ['dev', 'prod'] as const;

interface Route {
  path: string;
  service: string;
  port: number;
}
interface WebValues {
  replicaCount: number;
  service: { port: number };
  probes: Record<'startup' | 'liveness' | 'readiness', { path: string }>;
  autoscaling: {
    enabled: boolean;
    minReplicas: number;
    maxReplicas: number;
    targetCPUUtilizationPercentage: number;
  };
  podDisruptionBudget: { enabled: boolean; minAvailable: number };
  podSecurityContext: { runAsUser: number };
  priorityClassName: string;
  ingress: {
    enabled: boolean;
    host: string;
    tls: { clusterIssuer: string; secretName: string };
    routes: Route[];
    sse: { readTimeoutSeconds: number; paths: Route[] };
  };
}

function merged(env: (typeof ENVS)[number]): WebValues {
  return chartValues<WebValues>(WEB.name, env);
}

describe('the web chart (nginx and the Ingress of the one origin)', () => {
  it('validates every values file against values.schema.json, which refuses typos and bad routes', () => {
    const validate = new Ajv({ allErrors: true, strict: false }).compile(
      JSON.parse(readText(join(DIR, 'values.schema.json'))),
    );
    for (const env of ENVS) {
      const ok = validate(merged(env));
      expect([env, ok ? [] : validate.errors]).toEqual([env, []]);
    }
    const dev = merged('dev');
    expect(validate({ ...dev, replicaCuont: 2 })).toBe(false);
    const badRoute = { path: '/other', service: 'user-service', port: 8001 };
    expect(validate({ ...dev, ingress: { ...dev.ingress, routes: [badRoute] } })).toBe(false);
    const unknown = { path: '/api/v1/x', service: 'mail-service', port: 8001 };
    expect(validate({ ...dev, ingress: { ...dev.ingress, routes: [unknown] } })).toBe(false);
  });

  it('routes exactly the route table: each /api/v1 prefix to its service’s chart and port', () => {
    const expected = Object.entries(API_ROUTES).map(([prefix, key]) => ({
      path: `${API_BASE}/${prefix}`,
      service: SERVICES[key].name,
      port: SERVICES[key].port,
    }));
    for (const env of ENVS) {
      const { routes } = merged(env).ingress;
      expect([env, [...routes].sort((a, b) => a.path.localeCompare(b.path))]).toEqual([
        env,
        [...expected].sort((a, b) => a.path.localeCompare(b.path)),
      ]);
    }
  });

  it('sends the SSE routes, and only them, through the unbuffered Ingress with a long read timeout', () => {
    for (const env of ENVS) {
      const { sse } = merged(env).ingress;
      expect(sse.paths).toEqual(
        SSE_ROUTES.map((r) => ({
          path: ssePathPattern(r),
          service: SERVICES[r.service].name,
          port: SERVICES[r.service].port,
        })),
      );
      expect(sse.readTimeoutSeconds).toBeGreaterThanOrEqual(600);
      // Each pattern, as ingress-nginx anchors it, takes an event stream and no other route.
      for (const { path } of sse.paths) {
        const location = new RegExp(`^${path}`, 'i');
        expect(
          location.test('/api/v1/generations/3f1c2e4a-0000-4000-8000-000000000000/events'),
        ).toBe(true);
        expect(location.test('/api/v1/generations/3f1c2e4a-0000-4000-8000-000000000000')).toBe(
          false,
        );
        expect(location.test('/api/v1/generations')).toBe(false);
      }
    }
    expect(isSsePath('/api/v1/generations/x/events')).toBe(true);
    const template = readText(join(DIR, 'templates', 'ingress.yaml'));
    const [, sseObject] = template.split('\n---\n');
    expect(sseObject).toContain('range .');
    expect(sseObject).toMatch(/nginx\.ingress\.kubernetes\.io\/proxy-buffering: "off"/);
    expect(sseObject).toMatch(
      /proxy-read-timeout: \{\{ \$i\.sse\.readTimeoutSeconds \| quote \}\}/,
    );
    expect(sseObject).toMatch(/use-regex: "true"/);
  });

  it('templates the main Ingress from the routes: TLS by cert-manager, / to nginx', () => {
    const template = readText(join(DIR, 'templates', 'ingress.yaml'));
    const [main] = template.split('\n---\n');
    expect(main).toContain('range $i.routes');
    expect(main).toContain('cert-manager.io/cluster-issuer: {{ $i.tls.clusterIssuer | quote }}');
    expect(main).toContain('secretName: {{ $i.tls.secretName }}');
    expect(main).toMatch(/- path: \/\n\s+pathType: Prefix/);
    for (const env of ENVS) {
      const { ingress } = merged(env);
      expect(ingress.enabled).toBe(true);
      expect(ingress.host).toMatch(/^[a-z0-9.-]+\.[a-z]{2,}$/);
      expect(ingress.tls.clusterIssuer).not.toBe('');
    }
    expect(merged('dev').ingress.host).not.toBe(merged('prod').ingress.host);
  });

  it('runs nginx on the image’s port and user, probed on /health and /ready', () => {
    const conf = readText(join('deploy', 'docker', 'web', 'nginx.conf'));
    for (const env of ENVS) {
      const values = merged(env);
      expect(values.service.port).toBe(WEB.port);
      expect(conf).toContain(`listen ${values.service.port};`);
      expect(values.podSecurityContext.runAsUser).toBe(101);
      expect(values.probes.liveness.path).toBe('/health');
      expect(values.probes.readiness.path).toBe('/ready');
      expect(conf).toContain('location = /health');
      expect(conf).toContain('location = /ready');
      expect(values.priorityClassName).toBe(`pingvas-${env}`);
    }
  });

  it('scales as seed 001’s frontend: 3 replicas, an HPA of 2 to 6 on 70 % CPU in prod, and a PDB', () => {
    expect(readYaml<WebValues>(join(DIR, 'values.yaml')).replicaCount).toBe(3);
    const prod = merged('prod');
    expect(prod.autoscaling).toMatchObject({
      enabled: true,
      minReplicas: 2,
      maxReplicas: 6,
      targetCPUUtilizationPercentage: 70,
    });
    expect(prod.podDisruptionBudget).toEqual({ enabled: true, minAvailable: 1 });
    expect(prod.podDisruptionBudget.minAvailable).toBeLessThan(prod.autoscaling.minReplicas);
    for (const t of ['deployment', 'service', 'hpa', 'pdb', 'serviceaccount', 'networkpolicy']) {
      expect(readText(join(DIR, 'templates', `${t}.yaml`))).toMatch(/include "pingvas-lib\./);
    }
  });
});
