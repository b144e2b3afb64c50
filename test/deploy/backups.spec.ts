import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { SERVICES } from '@pingvas/contracts';
import { chartValues, objectsOfKind, readYaml, readYamlDocuments, ROOT } from './files';

const DIR = join('deploy', 'k8s', 'backups');
const ENVS = ['dev', 'prod'] as const;
/** Seeds 002/003: prod's dumps are kept 7 days; dev's need less (its RPO is 24 hours). */
const RETENTION_DAYS = { dev: '3', prod: '7' };

interface Container {
  name: string;
  image: string;
  command: string[];
  env?: {
    name: string;
    value?: string;
    valueFrom?: { secretKeyRef?: { name: string; key: string } };
  }[];
  envFrom?: { configMapRef?: { name: string } }[];
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  securityContext: {
    allowPrivilegeEscalation: boolean;
    readOnlyRootFilesystem: boolean;
    capabilities: { drop: string[] };
  };
  volumeMounts: { name: string; mountPath: string }[];
}

interface PodSpec {
  serviceAccountName: string;
  priorityClassName?: string;
  securityContext: { runAsNonRoot: boolean; runAsUser: number; seccompProfile: { type: string } };
  initContainers: Container[];
  containers: Container[];
  volumes: { name: string; emptyDir?: object; configMap?: { name: string } }[];
}

interface PodTemplate {
  metadata: { labels: Record<string, string> };
  spec: PodSpec;
}

interface JobSpec {
  suspend?: boolean;
  backoffLimit: number;
  activeDeadlineSeconds: number;
  template: PodTemplate;
}

interface CronJob {
  metadata: { name: string; namespace: string };
  spec: {
    schedule: string;
    timeZone: string;
    concurrencyPolicy: string;
    startingDeadlineSeconds: number;
    successfulJobsHistoryLimit: number;
    failedJobsHistoryLimit: number;
    jobTemplate: { spec: JobSpec };
  };
}

interface Kustomization {
  resources: string[];
  configMapGenerator: { name: string; namespace: string; files: string[] }[];
}

const inNamespace = <T extends { metadata: { namespace?: string } }>(kind: string, env: string) =>
  objectsOfKind<T>(DIR, kind).filter((o) => o.metadata.namespace === env);
const kustomization = () => readYaml<Kustomization>(join(DIR, 'kustomization.yaml'));
const [restoreJob] = readYamlDocuments<{ metadata: Record<string, unknown>; spec: JobSpec }>(
  join(DIR, 'restore-job.yaml'),
);

function settingsOf(env: string): Record<string, string> {
  const [config] = inNamespace<{
    metadata: { name: string; namespace: string };
    data: Record<string, string>;
  }>('ConfigMap', env).filter((c) => c.metadata.name === 'pingvas-db-backup');
  return config.data;
}

/** The scripts a pod runs, each as the file the kustomization puts in its ConfigMap. */
function scriptsRun(pod: PodSpec): string[] {
  return [...pod.initContainers, ...pod.containers].map((c) => c.command.join(' '));
}

/** What every backup or restore pod must be, in either environment. */
function expectHardenedPod(pod: PodSpec, env: string): void {
  expect(pod.serviceAccountName).toBe('pingvas-db-backup');
  expect(pod.securityContext).toMatchObject({
    runAsNonRoot: true,
    seccompProfile: { type: 'RuntimeDefault' },
  });
  expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
  const containers = [...pod.initContainers, ...pod.containers];
  expect(containers).toHaveLength(2);
  for (const c of containers) {
    expect([env, c.name, c.securityContext]).toEqual([
      env,
      c.name,
      {
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      },
    ]);
    // A version, never a moving tag: the restore must run the pg_restore the dumps were tested with.
    expect(c.image).toMatch(/^(postgres:15\.\d+-alpine|amazon\/aws-cli:2\.\d+\.\d+)$/);
    expect(Object.keys(c.resources.requests).sort()).toEqual(['cpu', 'memory']);
    expect(Object.keys(c.resources.limits).sort()).toEqual(['cpu', 'memory']);
    expect(c.envFrom).toEqual([{ configMapRef: { name: 'pingvas-db-backup' } }]);
    // Every writable path is a volume: /tmp, and the dump's folder.
    expect(c.volumeMounts.map((m) => m.mountPath).sort()).toEqual(['/backup', '/scripts', '/tmp']);
  }
  // The dump only ever lives in the pod's own scratch volume.
  expect(pod.volumes.find((v) => v.name === 'backup')?.emptyDir).toBeDefined();
  expect(pod.volumes.find((v) => v.name === 'scripts')?.configMap?.name).toBe(
    'pingvas-db-backup-scripts',
  );
  // The PostgreSQL client runs as the postgres image's own user.
  const pgContainer = containers.find((c) => c.image.startsWith('postgres:'))!;
  expect(pgContainer.env).toContainEqual({
    name: 'DATABASE_URL',
    valueFrom: { secretKeyRef: { name: 'pingvas-common', key: 'DATABASE_URL' } },
  });
}

describe('database backups (deploy/k8s/backups)', () => {
  it('is part of deploy/k8s and lists each environment once, with the scripts in both namespaces', () => {
    expect(
      readYaml<Kustomization>(join('deploy', 'k8s', 'kustomization.yaml')).resources,
    ).toContain('backups');
    const k = kustomization();
    expect(k.resources.sort()).toEqual(['backups-dev.yaml', 'backups-prod.yaml']);
    expect(k.resources).not.toContain('restore-job.yaml');
    expect(k.configMapGenerator.map((g) => [g.name, g.namespace])).toEqual([
      ['pingvas-db-backup-scripts', 'dev'],
      ['pingvas-db-backup-scripts', 'prod'],
    ]);
    const [dev, prod] = k.configMapGenerator.map((g) => g.files);
    expect(dev).toEqual(prod);
  });

  it.each(ENVS)(
    '%s: one daily CronJob, never two runs at once, with a deadline and history',
    (env) => {
      const jobs = inNamespace<CronJob>('CronJob', env);
      expect(jobs.map((j) => j.metadata.name)).toEqual(['pingvas-db-backup']);
      const { spec } = jobs[0];
      // Minute and hour fixed, every day of every month.
      expect(spec.schedule).toMatch(/^\d{1,2} \d{1,2} \* \* \*$/);
      expect(spec).toMatchObject({ timeZone: 'Etc/UTC', concurrencyPolicy: 'Forbid' });
      expect(spec.startingDeadlineSeconds).toBeGreaterThan(0);
      expect(spec.successfulJobsHistoryLimit).toBeGreaterThan(0);
      expect(spec.failedJobsHistoryLimit).toBeGreaterThan(0);
      const job = spec.jobTemplate.spec;
      expect(job.activeDeadlineSeconds).toBeGreaterThan(0);
      expect(job.activeDeadlineSeconds).toBeLessThan(24 * 3600);
      expect(job.template.spec.priorityClassName).toBe(`pingvas-${env}`);
      expectHardenedPod(job.template.spec, env);
      expect(scriptsRun(job.template.spec)).toEqual([
        'sh /scripts/dump.sh',
        'bash /scripts/upload.sh',
      ]);
    },
  );

  it.each(ENVS)(
    '%s: dumps the schema the charts use, keeps it the seeds’ days, in its own bucket',
    (env) => {
      const settings = settingsOf(env);
      const chartSchemas = new Set(
        Object.values(SERVICES).map(
          (s) => chartValues<{ env: { DB_SCHEMA: string } }>(s.name, env).env.DB_SCHEMA,
        ),
      );
      expect([...chartSchemas]).toEqual([settings.DB_SCHEMAS]);
      expect(settings).toMatchObject({
        BACKUP_NAME: env,
        BACKUP_BUCKET: `pingvas-${env}-backups`,
        BACKUP_PREFIX: 'postgres/',
        RETENTION_DAYS: RETENTION_DAYS[env],
      });
    },
  );

  it.each(ENVS)(
    '%s: backup pods may reach HTTPS (S3, STS) and nothing else beyond the baseline',
    (env) => {
      const policies = inNamespace<{
        metadata: { namespace: string };
        spec: { podSelector: { matchLabels: Record<string, string> }; egress: unknown[] };
      }>('NetworkPolicy', env);
      expect(policies).toHaveLength(1);
      expect(policies[0].spec.podSelector.matchLabels).toEqual({
        'app.kubernetes.io/name': 'pingvas-db-backup',
      });
      expect(policies[0].spec.egress).toEqual([{ ports: [{ protocol: 'TCP', port: 443 }] }]);
      const [job] = inNamespace<CronJob>('CronJob', env);
      expect(job.spec.jobTemplate.spec.template.metadata.labels).toMatchObject(
        policies[0].spec.podSelector.matchLabels,
      );
    },
  );

  it('has a restore Job template for either namespace that is created suspended and never retried', () => {
    expect(restoreJob.metadata.namespace).toBeUndefined();
    expect(restoreJob.metadata.generateName).toBe('pingvas-db-restore-');
    expect(restoreJob.spec).toMatchObject({ suspend: true, backoffLimit: 0 });
    const pod = restoreJob.spec.template.spec;
    // dev may not run at prod's priority, prod should not at dev's: the template names neither.
    expect(pod.priorityClassName).toBeUndefined();
    expectHardenedPod(pod, 'restore');
    expect(scriptsRun(pod)).toEqual(['bash /scripts/fetch.sh', 'sh /scripts/restore.sh']);
    expect(restoreJob.spec.template.metadata.labels['app.kubernetes.io/name']).toBe(
      'pingvas-db-backup',
    );
  });

  it('ships every script the pods run, each of them valid shell', () => {
    const shipped = kustomization().configMapGenerator[0].files.map((f) =>
      f.replace('scripts/', ''),
    );
    const cronJobs = ENVS.flatMap((env) => inNamespace<CronJob>('CronJob', env));
    const run = [
      ...cronJobs.flatMap((j) => scriptsRun(j.spec.jobTemplate.spec.template.spec)),
      ...scriptsRun(restoreJob.spec.template.spec),
    ];
    const named = [...new Set(run.map((r) => r.split('/scripts/')[1]))].sort();
    expect(named).toEqual([...shipped].sort());
    for (const command of new Set(run)) {
      const [shell, path] = command.split(' ');
      const file = join(ROOT, DIR, 'scripts', path.replace('/scripts/', ''));
      // -n parses without running: a syntax error fails here rather than at 02:00.
      expect(() => execFileSync(shell, ['-n', file], { stdio: 'pipe' })).not.toThrow();
    }
  });
});
