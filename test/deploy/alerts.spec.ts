import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import {
  type InhibitRule,
  isInhibited,
  type Labels,
  receiversFor,
  type Route,
} from './alertmanager';
import { readText, readYaml, readYamlDocuments, ROOT } from './files';
import { isDuration, promqlSyntaxErrors } from './promql';

const MONITORING = join('deploy', 'monitoring');
const RUNBOOKS = join('docs', 'runbooks');
const RUNBOOK_BASE = 'https://github.com/pingvas/pingvas/blob/main/docs/runbooks/';
const RECEIVER_SECRETS = '/etc/alertmanager/secrets/pingvas-alertmanager-receivers/';

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels: { severity: string } & Record<string, string>;
  annotations: Record<string, string>;
}

interface Alert extends Rule {
  /** The namespace every selector of its group names; undefined for the cluster-wide groups. */
  env?: 'dev' | 'prod';
}

const ENV_OF_GROUP: Record<string, 'dev' | 'prod'> = {
  'pingvas-dev': 'dev',
  'pingvas-prod': 'prod',
};

const alerts: Alert[] = readYaml<{ spec: { groups: { name: string; rules: Rule[] }[] } }>(
  join(MONITORING, 'prometheus-rule.yaml'),
).spec.groups.flatMap((g) => g.rules.map((r) => ({ ...r, env: ENV_OF_GROUP[g.name] })));

const runbookPage = (alert: string) =>
  `${alert.replace(/(?<=[a-z0-9])(?=[A-Z])/g, '-').toLowerCase()}.md`;

interface AlertmanagerConfig {
  route: Route;
  inhibit_rules: InhibitRule[];
  receivers: ({ name: string } & Record<string, Record<string, unknown>[]>)[];
}

const config = readYaml<AlertmanagerConfig>(join(MONITORING, 'alertmanager', 'alertmanager.yaml'));

describe('alerts (deploy/monitoring/prometheus-rule.yaml)', () => {
  it('gives every alert a summary, a description and a valid "for" (the always-firing Watchdog aside)', () => {
    expect(alerts.length).toBeGreaterThan(30);
    const incomplete = alerts.filter(
      (a) =>
        !a.annotations.summary ||
        !a.annotations.description ||
        (a.alert === 'Watchdog' ? a.for !== undefined : !isDuration(a.for ?? '')),
    );
    expect(incomplete.map((a) => a.alert)).toEqual([]);
  });

  it('has expressions that pass the PromQL syntax check', () => {
    const broken = alerts.flatMap((a) =>
      promqlSyntaxErrors(a.expr).map((e) => `${a.env ?? 'cluster'} ${a.alert}: ${e}`),
    );
    expect(broken).toEqual([]);
  });

  it('links every alert to its page in docs/runbooks, and every page to an alert and the index', () => {
    const pages = new Set(alerts.map((a) => runbookPage(a.alert)));
    const wrong = alerts.filter(
      (a) =>
        a.annotations.runbook_url !== RUNBOOK_BASE + runbookPage(a.alert) ||
        !existsSync(join(ROOT, RUNBOOKS, runbookPage(a.alert))),
    );
    expect(wrong.map((a) => `${a.alert}: ${a.annotations.runbook_url}`)).toEqual([]);
    const files = readdirSync(join(ROOT, RUNBOOKS)).filter((f) => f !== 'README.md');
    expect(files.sort()).toEqual([...pages].sort());
    const index = readText(join(RUNBOOKS, 'README.md'));
    expect(files.filter((f) => !index.includes(`(${f})`))).toEqual([]);
  });

  it('holds the same alerts for dev and prod, each reading only its namespace and keeping the label', () => {
    const names = (env: string) => alerts.filter((a) => a.env === env).map((a) => a.alert);
    expect(names('dev')).toEqual(names('prod'));
    const leaks = alerts
      .filter((a) => a.env)
      .flatMap((a) => {
        const namespaces = [...a.expr.matchAll(/namespace\s*(=~|!~|!=|=)\s*"([^"]*)"/g)];
        const groupings = [...a.expr.matchAll(/\bby\s*\(([^)]*)\)/g)].map((m) => m[1]);
        return [
          ...(namespaces.length ? [] : ['no namespace selector']),
          ...namespaces.filter((m) => m[1] !== '=' || m[2] !== a.env).map((m) => m[0]),
          ...groupings.filter((g) => !/\bnamespace\b/.test(g)).map((g) => `by (${g})`),
        ].map((e) => `${a.env} ${a.alert}: ${e}`);
      });
    expect(leaks).toEqual([]);
  });

  it('pages (critical) only in prod and on what users feel; dev only warns', () => {
    const severities = (env?: string) =>
      [...new Set(alerts.filter((a) => a.env === env).map((a) => a.labels.severity))].sort();
    expect(severities('dev')).toEqual(['warning']);
    expect(severities('prod')).toEqual(['critical', 'warning']);
    expect(
      alerts
        .filter((a) => a.env === 'prod' && a.labels.severity === 'critical')
        .map((a) => a.alert),
    ).toEqual([
      'HighErrorRate',
      'ApiDown',
      'ApiDown',
      'ApiNotReady',
      'QueueBacklog',
      'GpuWorkersMissing',
      'SystemWorkerDown',
      // Not felt by users today, but a prod without a fresh dump cannot wait for office hours.
      'BackupMissing',
    ]);
    // Cluster-wide: the shared database pages; a cost notice is info, the heartbeat none.
    const cluster = Object.fromEntries(
      alerts.filter((a) => !a.env).map((a) => [a.alert, a.labels.severity]),
    );
    expect(cluster).toEqual({
      GpuTemperatureHigh: 'warning',
      GpuUnderutilised: 'info',
      NodeCpuHigh: 'warning',
      DatabaseCpuHigh: 'critical',
      Watchdog: 'none',
    });
  });

  // Seeds 000 (CPU, memory, GPU worker), 002 (node CPU, RDS CPU, 5xx), 003 (dev quota).
  it.each([
    ['ContainerCpuHigh', 'container_cpu_usage_seconds_total', '> 0.8', '5m'],
    ['ContainerMemoryHigh', 'container_memory_working_set_bytes', '> 0.9', '5m'],
    ['ResourceQuotaNearlyFull', 'kube_resourcequota', '> 0.9', '5m'],
    ['GpuWorkerDown', 'up', '== 0', '5m'],
    ['HighErrorRate', 'status_code=~"5.."', '> 0.05', '3m'],
  ])('has the seeds’ %s in dev and prod (%s %s for %s)', (name, reads, threshold, duration) => {
    const found = alerts.filter((a) => a.alert === name);
    expect(found.map((a) => a.env)).toEqual(['prod', 'dev']);
    for (const a of found) {
      expect([a.expr.includes(reads), a.expr.includes(threshold), a.for]).toEqual([
        true,
        true,
        duration,
      ]);
    }
  });

  it.each([
    ['NodeCpuHigh', 'node_cpu_seconds_total{mode="idle"}', '> 0.9'],
    ['DatabaseCpuHigh', 'aws_rds_cpuutilization_average', '> 90'],
  ])('has the seeds’ cluster-wide %s (%s %s)', (name, reads, threshold) => {
    const [a] = alerts.filter((r) => r.alert === name);
    expect([a.env, a.expr.includes(reads), a.expr.includes(threshold)]).toEqual([
      undefined,
      true,
      true,
    ]);
  });
});

describe('alert routing (deploy/monitoring/alertmanager/alertmanager.yaml)', () => {
  it('groups by alert and namespace everywhere', () => {
    const overrides = (r: Route): string[] =>
      (r.routes ?? []).flatMap((c) => [
        ...(c.group_by ? [`${c.receiver}: ${c.group_by.join(',')}`] : []),
        ...overrides(c),
      ]);
    expect(config.route.group_by).toEqual(['alertname', 'namespace']);
    expect(overrides(config.route)).toEqual([]);
  });

  it('sends every rule’s alert where its environment and severity call for', () => {
    const expected = (a: Alert) => {
      if (a.alert === 'Watchdog') return ['deadman'];
      if (a.env === 'dev') return ['slack-dev'];
      return a.labels.severity === 'critical' ? ['pagerduty-prod', 'slack-prod'] : ['slack-prod'];
    };
    const misrouted = alerts.flatMap((a) => {
      const labels: Labels = {
        ...a.labels,
        alertname: a.alert,
        ...(a.env && { namespace: a.env }),
      };
      const got = receiversFor(config.route, labels);
      return got.join() === expected(a).join() ? [] : [`${a.env} ${a.alert}: ${got.join()}`];
    });
    expect(misrouted).toEqual([]);
    // The routes are not vacuous: each receiver gets some of the rules' alerts.
    expect(new Set(alerts.flatMap(expected))).toEqual(
      new Set(['deadman', 'slack-dev', 'pagerduty-prod', 'slack-prod']),
    );
  });

  it.each<[string, Labels, string[]]>([
    [
      'a critical alert of the stack’s own rules pages',
      { alertname: 'KubeAPIDown', severity: 'critical' },
      ['pagerduty-prod', 'slack-prod'],
    ],
    [
      'a stack warning in kube-system goes to prod’s channel',
      { alertname: 'KubePodCrashLooping', namespace: 'kube-system', severity: 'warning' },
      ['slack-prod'],
    ],
    [
      'a critical dev alert still only notifies',
      { alertname: 'Anything', namespace: 'dev', severity: 'critical' },
      ['slack-dev'],
    ],
    [
      'the stack’s InfoInhibitor goes nowhere',
      { alertname: 'InfoInhibitor', namespace: 'prod', severity: 'none' },
      ['null'],
    ],
  ])('%s', (_, labels, receivers) => {
    expect(receiversFor(config.route, labels)).toEqual(receivers);
  });

  it('mutes a dev alert while the same alert fires in prod, and nothing else', () => {
    const rules = config.inhibit_rules;
    const prodErrors = {
      alertname: 'HighErrorRate',
      namespace: 'prod',
      service: 'prod-user-service',
      severity: 'critical',
    };
    const devErrors = {
      alertname: 'HighErrorRate',
      namespace: 'dev',
      service: 'dev-gallery-service',
      severity: 'warning',
    };
    const prodDown = { alertname: 'ApiDown', namespace: 'prod', severity: 'critical' };
    expect(isInhibited(rules, devErrors, [prodErrors, devErrors])).toBe(true);
    expect(isInhibited(rules, devErrors, [prodDown, devErrors])).toBe(false);
    expect(isInhibited(rules, prodErrors, [prodErrors, devErrors])).toBe(false);
    expect(isInhibited(rules, prodDown, [prodErrors, prodDown])).toBe(false);
  });

  it('names only receivers that exist, and uses each', () => {
    const named = (r: Route): string[] => [
      ...(r.receiver ? [r.receiver] : []),
      ...(r.routes ?? []).flatMap(named),
    ];
    expect([...new Set(named(config.route))].sort()).toEqual(
      config.receivers.map((r) => r.name).sort(),
    );
  });

  it('reads every key and URL from the Secret the ExternalSecret fills, none inline', () => {
    const [external] = readYamlDocuments<{
      kind: string;
      spec: {
        secretStoreRef: { kind: string; name: string };
        target: { name: string };
        data: { secretKey: string }[];
      };
    }>(join(MONITORING, 'alertmanager', 'receivers.yaml')).filter(
      (o) => o.kind === 'ExternalSecret',
    );
    expect(external.spec.secretStoreRef).toEqual({
      kind: 'ClusterSecretStore',
      name: 'aws-secrets-manager',
    });
    expect(`/etc/alertmanager/secrets/${external.spec.target.name}/`).toBe(RECEIVER_SECRETS);
    const keys = external.spec.data.map((d) => d.secretKey);
    const integrations = config.receivers.flatMap(({ name, ...kinds }) =>
      Object.values(kinds).flatMap((list) => list.map((c) => [name, c] as const)),
    );
    expect(integrations.length).toBe(4);
    const files = integrations.flatMap(([name, c]) => {
      const inline = ['api_url', 'routing_key', 'service_key', 'url'].filter((k) => k in c);
      expect([name, inline]).toEqual([name, []]);
      return Object.entries(c)
        .filter(([k]) => k.endsWith('_file'))
        .map(([, path]) => String(path));
    });
    expect(files.filter((f) => !f.startsWith(RECEIVER_SECRETS))).toEqual([]);
    expect(files.map((f) => basename(f)).sort()).toEqual([...keys].sort());
  });

  it('is the Secret the kustomization makes, without the label Grafana’s sidecar takes dashboards by', () => {
    const kustomization = readYaml<{
      resources: string[];
      generatorOptions: { labels: Record<string, string> };
      secretGenerator: { name: string; files: string[]; options?: unknown }[];
    }>(join(MONITORING, 'kustomization.yaml'));
    expect(kustomization.resources).toContain('alertmanager/receivers.yaml');
    expect(kustomization.secretGenerator).toEqual([
      { name: 'pingvas-alertmanager', files: ['alertmanager/alertmanager.yaml'] },
    ]);
    expect(Object.keys(kustomization.generatorOptions.labels)).not.toContain('grafana_dashboard');
  });
});
