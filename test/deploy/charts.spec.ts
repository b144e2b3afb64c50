import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { GPU_WORKER, QueueNames, SERVICES, TIERS, WEB } from '@pingvas/contracts';
import Ajv from 'ajv';
import {
  chartFolders,
  chartValues,
  filesUnder,
  objectsOfKind,
  readText,
  readYaml,
  ROOT,
} from './files';

const SERVICE_NAMES = Object.values(SERVICES).map((s) => s.name);
const ENVS = ['dev', 'prod'] as const;

interface Probe {
  path: string;
}
interface Values {
  service: { port: number };
  probes: { startup: Probe; liveness: Probe; readiness: Probe };
  migration: { enabled: boolean; command: string[] };
  priorityClassName: string;
  preStopSleepSeconds: number;
  terminationGracePeriodSeconds: number;
  env?: Record<string, string>;
  systemWorker?: { terminationGracePeriodSeconds: number; priorityClassName?: string };
  worker?: {
    port: number;
    probes: { startup: Probe; liveness: Probe; readiness: Probe };
    terminationGracePeriodSeconds: number;
    priorityClassName?: string;
    env?: Record<string, string>;
    keda: {
      enabled: boolean;
      minReplicaCount: number;
      maxReplicaCount: number;
      prometheus: {
        queuedJobsPerWorker: Record<string, number>;
        queuedStates: string[];
        activeJobsPerWorker: number;
        threshold: string;
      };
    };
  };
}

function merged(chart: string, env: (typeof ENVS)[number]): Values {
  return chartValues<Values>(chart, env);
}

describe('Helm charts', () => {
  it('has one application chart per service and the web chart, plus the library chart', () => {
    expect(chartFolders()).toEqual([...SERVICE_NAMES, WEB.name, 'pingvas-lib'].sort());
    expect(readYaml(join('deploy', 'helm', 'pingvas-lib', 'Chart.yaml'))).toMatchObject({
      type: 'library',
    });
    for (const service of [...SERVICE_NAMES, WEB.name]) {
      const chart = readYaml<{
        apiVersion: string;
        dependencies: { name: string; repository: string }[];
      }>(join('deploy', 'helm', service, 'Chart.yaml'));
      expect(chart.apiVersion).toBe('v2');
      expect(chart.dependencies).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ name: 'pingvas-lib', repository: 'file://../pingvas-lib' }),
        ]),
      );
    }
  });

  it.each(SERVICE_NAMES)(
    '%s: every values file validates against values.schema.json',
    (service) => {
      const dir = join('deploy', 'helm', service);
      const ajv = new Ajv({ allErrors: true, strict: false });
      const validate = ajv.compile(JSON.parse(readText(join(dir, 'values.schema.json'))));
      for (const env of ENVS) {
        const values = merged(service, env);
        const ok = validate(values);
        expect([env, ok ? [] : validate.errors]).toEqual([env, []]);
      }
      // The schema refuses what it should: a typo at the top level and a port that is no port.
      expect(validate({ ...merged(service, 'dev'), replicaCuont: 2 })).toBe(false);
      expect(validate({ ...merged(service, 'dev'), service: { port: 'http' } })).toBe(false);
    },
  );

  it.each(SERVICE_NAMES)(
    '%s: port, probe paths and migration command are the code’s',
    (service) => {
      const port = Object.values(SERVICES).find((s) => s.name === service)!.port;
      for (const env of ENVS) {
        const values = merged(service, env);
        expect(values.service.port).toBe(port);
        expect(values.probes.startup.path).toBe('/health');
        expect(values.probes.liveness.path).toBe('/health');
        expect(values.probes.readiness.path).toBe('/ready');
        expect(values.migration.enabled).toBe(true);
        expect(values.migration.command).toEqual(['node', `dist/apps/${service}/src/migrate.js`]);
        expect(existsSync(join(ROOT, 'apps', service, 'src', 'migrate.ts'))).toBe(true);
        // What prod must not lose to eviction runs above pingvas-prod (seed 003).
        expect(values.priorityClassName).toBe(
          env === 'prod' ? 'pingvas-prod-critical' : `pingvas-${env}`,
        );
        if (values.env?.APP_ENV) expect(values.env.APP_ENV).toBe(env);
      }
    },
  );

  it('runs the migration as a pre-install/pre-upgrade hook Job from the library chart', () => {
    const lib = filesUnder(
      join('deploy', 'helm', 'pingvas-lib'),
      (n) => n.endsWith('.tpl') || n.endsWith('.yaml'),
    )
      .map(readText)
      .join('\n');
    expect(lib).toMatch(/helm\.sh\/hook["']?:\s*["']?pre-install,pre-upgrade/);
    expect(lib).toContain('kind: Job');
  });

  it('deploys the GPU worker with the generation-service chart: its port, probes, GPU and grace', () => {
    for (const env of ENVS) {
      const { worker } = merged('generation-service', env);
      expect(worker).toBeDefined();
      expect(worker!.port).toBe(GPU_WORKER.port);
      expect(worker!.probes.liveness.path).toBe('/health');
      expect(worker!.probes.readiness.path).toBe('/ready');
      expect(worker!.terminationGracePeriodSeconds).toBe(300);
      const graceMs = Number(worker!.env?.WORKER_SHUTDOWN_GRACE_MS ?? 60_000);
      expect(graceMs).toBeLessThan(300_000);
    }
    const templates = filesUnder(
      join('deploy', 'helm', 'generation-service', 'templates'),
      () => true,
    )
      .map(readText)
      .join('\n');
    expect(templates).toContain('nvidia.com/gpu');
    expect(templates).toContain('kind: ScaledObject');
  });

  it('scales workers from zero on the demand of the five tier queues, by seed 004 thresholds', () => {
    // Seed 004's listLength per tier queue: queued jobs that ask for one more worker.
    const seedThresholds = { enterprise: 1, studio: 2, pro: 3, starter: 5, free: 10 };
    const expected = { dev: 3, prod: 15 };
    for (const env of ENVS) {
      const worker = merged('generation-service', env).worker!;
      const { keda } = worker;
      expect(keda.enabled).toBe(true);
      expect(keda.minReplicaCount).toBe(0);
      expect(keda.maxReplicaCount).toBe(expected[env]);
      expect(keda.prometheus.queuedJobsPerWorker).toEqual(
        Object.fromEntries(TIERS.map((t) => [QueueNames.tier(t), seedThresholds[t]])),
      );
      expect([...keda.prometheus.queuedStates].sort()).toEqual(['prioritized', 'waiting']);
      // A running job holds a worker whatever its tier.
      expect(keda.prometheus.activeJobsPerWorker).toBe(Number(worker.env?.WORKER_CONCURRENCY ?? 1));
      expect(keda.prometheus.threshold).toBe('1');
    }
    const scaledObject = readText(
      join('deploy', 'helm', 'generation-service', 'templates', 'worker-scaledobject.yaml'),
    );
    expect(scaledObject).toContain('bullmq_job_count');
    expect(scaledObject).toMatch(/type:\s*prometheus/);
    // One summed query: a term with no series must not empty the sum.
    expect(scaledObject).toContain('or vector(0)');
    expect(scaledObject).toContain('join " + " $terms');
  });

  it('drains endpoints with a preStop sleep from values in every Deployment the library makes', () => {
    const lib = readText(join('deploy', 'helm', 'pingvas-lib', 'templates', '_deployment.tpl'));
    const workload = lib.slice(lib.indexOf('define "pingvas-lib.workload"'));
    expect(workload).toMatch(
      /\$preStop := \$v\.preStopSleepSeconds \| default \$root\.Values\.preStopSleepSeconds/,
    );
    expect(workload).toMatch(
      /lifecycle:\s+preStop:\s+exec:\s+command: \["sleep", \{\{ \. \| quote \}\}\]/,
    );
    expect(workload).toMatch(/le \(int64 \$grace\) \(int64 \$preStop\)/);
    // Every Deployment of the suite (the services, web, gpu-worker, system-worker) is that one.
    const deployments = [...SERVICE_NAMES, WEB.name].flatMap((chart) =>
      filesUnder(join('deploy', 'helm', chart, 'templates'), (n) => n.endsWith('deployment.yaml')),
    );
    expect(deployments.length).toBe(SERVICE_NAMES.length + 1 + 2);
    for (const file of deployments) {
      expect(readText(file)).toMatch(/include "pingvas-lib\.(deployment|workload)"/);
    }
    for (const chart of [...SERVICE_NAMES, WEB.name]) {
      expect(
        readYaml<Values>(join('deploy', 'helm', chart, 'values.yaml')).preStopSleepSeconds,
      ).toBe(5);
      for (const env of ENVS) {
        const values = merged(chart, env);
        expect(values.preStopSleepSeconds).toBeGreaterThan(0);
        for (const grace of [
          values.terminationGracePeriodSeconds,
          values.worker?.terminationGracePeriodSeconds,
          values.systemWorker?.terminationGracePeriodSeconds,
        ]) {
          if (grace !== undefined) expect(grace).toBeGreaterThan(values.preStopSleepSeconds);
        }
      }
    }
  });

  it.each(SERVICE_NAMES)('%s: the API gets 60 s of termination grace (seed 004)', (service) => {
    expect(
      readYaml<Values>(join('deploy', 'helm', service, 'values.yaml'))
        .terminationGracePeriodSeconds,
    ).toBe(60);
    for (const env of ENVS) {
      expect(merged(service, env).terminationGracePeriodSeconds).toBeGreaterThanOrEqual(60);
    }
    const lib = readText(join('deploy', 'helm', 'pingvas-lib', 'templates', '_deployment.tpl'));
    expect(lib).toContain(
      '$grace := $v.terminationGracePeriodSeconds | default $root.Values.terminationGracePeriodSeconds',
    );
    expect(lib).toContain('terminationGracePeriodSeconds: {{ $grace }}');
  });

  it('runs the prod API services and their workers at pingvas-prod-critical, defined once in deploy/k8s', () => {
    const classes = objectsOfKind<{
      metadata: { name: string };
      value: number;
      globalDefault: boolean;
    }>(join('deploy', 'k8s'), 'PriorityClass');
    const critical = classes.filter((c) => c.metadata.name === 'pingvas-prod-critical');
    expect(critical).toHaveLength(1);
    expect(critical[0]).toMatchObject({ value: 2_000_000, globalDefault: false });
    for (const chart of [...SERVICE_NAMES, WEB.name]) {
      const here = filesUnder(join('deploy', 'helm', chart), () => true).filter((f) =>
        readText(f).includes('kind: PriorityClass'),
      );
      expect(here).toEqual([]);
    }
    for (const service of SERVICE_NAMES) {
      const prod = merged(service, 'prod');
      expect(prod.priorityClassName).toBe('pingvas-prod-critical');
      // The workers fall back to the chart's class unless they name their own.
      if (prod.worker)
        expect(prod.worker.priorityClassName ?? prod.priorityClassName).toBe(
          'pingvas-prod-critical',
        );
      if (prod.systemWorker) {
        expect(prod.systemWorker.priorityClassName ?? prod.priorityClassName).toBe(
          'pingvas-prod-critical',
        );
      }
      expect(merged(service, 'dev').priorityClassName).not.toBe('pingvas-prod-critical');
    }
    expect(merged('generation-service', 'prod').worker).toBeDefined();
    expect(merged('user-service', 'prod').systemWorker).toBeDefined();
    expect(merged(WEB.name, 'prod').priorityClassName).toBe('pingvas-prod');
    const lib = readText(join('deploy', 'helm', 'pingvas-lib', 'templates', '_deployment.tpl'));
    expect(lib).toContain(
      '$priority := $v.priorityClassName | default $root.Values.priorityClassName',
    );
    // dev may not borrow it: the dev quota refuses pods at either prod class.
    const quotas = objectsOfKind<{
      metadata: { name: string; namespace: string };
      spec: {
        hard: { pods?: string };
        scopeSelector?: { matchExpressions: { values: string[] }[] };
      };
    }>(join('deploy', 'k8s'), 'ResourceQuota');
    const noProd = quotas.find((q) => q.metadata.name === 'no-prod-priority')!;
    expect(noProd.metadata.namespace).toBe('dev');
    expect(noProd.spec.hard.pods).toBe('0');
    expect(noProd.spec.scopeSelector!.matchExpressions[0].values).toEqual(
      expect.arrayContaining(['pingvas-prod', 'pingvas-prod-critical']),
    );
  });

  it('names priority classes that deploy/k8s defines, prod above dev', () => {
    const classes = objectsOfKind<{ metadata: { name: string }; value: number }>(
      join('deploy', 'k8s'),
      'PriorityClass',
    );
    const value = (name: string) => classes.find((c) => c.metadata.name === name)?.value;
    expect(value('pingvas-prod')).toBe(1_000_000);
    expect(value('pingvas-dev')).toBe(100_000);
  });
});
