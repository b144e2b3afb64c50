import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICES, SYSTEM_WORKER } from '@pingvas/contracts';
import { loadSystemWorkerConfig } from '../../apps/system-worker/src/config';
import { chartValues, readText, readYamlDocuments, ROOT } from './files';

interface Probe {
  path: string;
}
interface EnvFromRef {
  name: string;
  optional?: boolean;
}
interface SystemWorkerValues {
  enabled: boolean;
  image: { repository: string };
  replicaCount: number;
  port: number;
  probes: { startup: Probe; liveness: Probe; readiness: Probe };
  env: Record<string, string>;
  envFrom: { configMaps: string[]; secrets: (string | EnvFromRef)[] };
  smtpEgress: { ports: number[] };
  migration: { enabled: boolean; command: string[] };
}
interface Values {
  env: Record<string, string>;
  systemWorker: SystemWorkerValues;
}

const CHART = join('deploy', 'helm', SERVICES.user.name);
const TEMPLATES = join(CHART, 'templates');
const ENVS = ['dev', 'prod'] as const;

/** The keys _system-worker.tpl copies from the chart's env into the worker's. */
function sharedKeys(): string[] {
  const tpl = readText(join(TEMPLATES, '_system-worker.tpl'));
  const list = /range \$k := list ((?:"[A-Z0-9_]+" ?)+)/.exec(tpl);
  expect(list).not.toBeNull();
  return [...list![1].matchAll(/"([A-Z0-9_]+)"/g)].map((m) => m[1]);
}

/** The worker's plain environment as the chart renders it (shared keys, then its own). */
function workerEnv(values: Values): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of sharedKeys()) if (key in values.env) env[key] = values.env[key];
  return { ...env, ...values.systemWorker.env, PORT: String(values.systemWorker.port) };
}

/** The system worker ships in user-service's chart (DESIGN §16), like the GPU worker in generation's. */
describe('the system worker in the user-service chart', () => {
  it.each(ENVS)('%s: a Deployment on its port with its probes, image and secrets', (env) => {
    const { systemWorker: w } = chartValues<Values>(SERVICES.user.name, env);
    expect(w.enabled).toBe(true);
    expect(w.replicaCount).toBeGreaterThanOrEqual(1);
    expect(w.port).toBe(SYSTEM_WORKER.port);
    expect(w.image.repository).toMatch(/\/system-worker$/);
    expect(w.probes.liveness.path).toBe('/health');
    expect(w.probes.readiness.path).toBe('/ready');
    // SMTP_URL holds the SES SMTP password: from a Secret, never from values.
    expect(w.env).not.toHaveProperty('SMTP_URL');
    const secrets = w.envFrom.secrets.map((s) => (typeof s === 'string' ? s : s.name));
    expect(secrets).toEqual(expect.arrayContaining(['pingvas-common', 'pingvas-system-worker']));
    expect(w.smtpEgress.ports).toEqual(expect.arrayContaining([465, 587]));
  });

  it.each(ENVS)(
    '%s: the worker shares the service’s environment, queues and namespace, and boots with the Secret’s SMTP_URL',
    (env) => {
      const values = chartValues<Values>(SERVICES.user.name, env);
      expect(sharedKeys()).toEqual(
        expect.arrayContaining(['APP_ENV', 'DB_SCHEMA', 'QUEUE_PREFIX', 'RPC_NAMESPACE']),
      );
      const rendered = workerEnv(values);
      for (const key of ['APP_ENV', 'DB_SCHEMA', 'QUEUE_PREFIX', 'RPC_NAMESPACE'])
        expect(rendered[key]).toBe(values.env[key]);
      const withSecret = {
        ...rendered,
        SMTP_URL: 'smtps://user:pass@email-smtp.us-east-1.amazonaws.com:465',
      };
      const config = loadSystemWorkerConfig(withSecret);
      expect(config.http.port).toBe(SYSTEM_WORKER.port);
      expect(config.appEnv).toBe(env);
      expect(config.mail.from).toBe(values.systemWorker.env.MAIL_FROM);
      expect(config.storage).toMatchObject({ driver: 's3', bucket: `pingvas-${env}-images` });
      // Without the Secret the prod worker refuses to start rather than log customers' mail.
      if (env === 'prod') expect(() => loadSystemWorkerConfig(rendered)).toThrow(/SMTP_URL/);
    },
  );

  it('migrates its own tables in a hook Job with its image, before the release’s pods', () => {
    for (const env of ENVS) {
      const { migration } = chartValues<Values>(SERVICES.user.name, env).systemWorker;
      expect(migration.enabled).toBe(true);
      expect(migration.command).toEqual(['node', 'dist/apps/system-worker/src/migrate.js']);
    }
    expect(existsSync(join(ROOT, 'apps', 'system-worker', 'src', 'migrate.ts'))).toBe(true);
    const job = readText(join(TEMPLATES, 'system-worker-migration-job.yaml'));
    expect(job).toContain('helm.sh/hook: pre-install,pre-upgrade');
    expect(job).toContain('"image" $w.image');
    expect(job).toContain('"suffix" "system-worker-migrate"');
  });

  it('has its Deployment, a headless Service and ServiceMonitor for /metrics, and NetworkPolicies', () => {
    const deployment = readText(join(TEMPLATES, 'system-worker-deployment.yaml'));
    expect(deployment).toContain('include "pingvas-lib.workload" $ctx');
    expect(deployment).toContain('"component" "system-worker"');
    expect(deployment).toContain('"port" $w.port');
    expect(readText(join(TEMPLATES, 'system-worker-service.yaml'))).toContain('"headless" true');
    expect(readText(join(TEMPLATES, 'system-worker-servicemonitor.yaml'))).toContain(
      'pingvas-lib.serviceMonitorFor',
    );
    const policy = readText(join(TEMPLATES, 'system-worker-networkpolicy.yaml'));
    expect(policy).toContain('"public" false');
    expect(policy).toContain('policyTypes: [Egress]');
  });

  it('lets Prometheus reach its port through the namespaces’ baseline policies', () => {
    for (const env of ENVS) {
      const docs = readYamlDocuments<{
        metadata: { name: string };
        spec: { ingress?: { ports?: { port: number }[] }[] };
      }>(join('deploy', 'k8s', `network-policies-${env}.yaml`));
      const monitoring = docs.find((d) => d.metadata.name === 'allow-from-monitoring');
      const ports = monitoring!.spec.ingress!.flatMap((i) => i.ports ?? []).map((p) => p.port);
      expect(ports).toContain(SYSTEM_WORKER.port);
    }
  });

  it('has an image target that runs it on its port', () => {
    const dockerfile = readText('Dockerfile');
    const stage = /FROM runtime AS system-worker\n([\s\S]*?)\n(?:\n|$)/.exec(dockerfile);
    expect(stage).not.toBeNull();
    expect(stage![1]).toContain(`EXPOSE ${SYSTEM_WORKER.port}`);
    expect(stage![1]).toContain('CMD ["node","dist/apps/system-worker/src/main.js"]');
  });
});
