import { join } from 'node:path';
import { chartValues, filesUnder, objectsOfKind, readText, readYaml } from './files';

const ENVS = ['dev', 'prod'] as const;
const K8S = join('deploy', 'k8s');
const STORE = 'aws-secrets-manager';

/**
 * Optional Secrets with no ExternalSecret, each with the reason: a Secret made for them would
 * change what the pods do where they run today (EKS).
 */
const NOT_MADE: Record<string, string> = {
  // Static AWS keys would take precedence over the pods' IRSA role in the SDK's credential chain.
  'pingvas-storage-credentials': 'only for a blob store without IRSA',
};

interface ExternalSecret {
  apiVersion: string;
  metadata: { name: string; namespace: string };
  spec: {
    refreshInterval: string;
    secretStoreRef: { kind: string; name: string };
    target: { name: string; creationPolicy: string; deletionPolicy?: string };
    dataFrom?: { extract?: { key: string } }[];
    data?: { remoteRef: { key: string } }[];
  };
}

interface SecretRef {
  chart: string;
  at: string;
  name: string;
  optional: boolean;
}

const charts = filesUnder(join('deploy', 'helm'), (n) => n === 'Chart.yaml')
  .filter((f) => readYaml<{ type?: string }>(f).type !== 'library')
  .map((f) => f.split('/')[2]);

/**
 * Every Secret a chart's merged values name, wherever the workload sits in them (the service,
 * `worker`, `systemWorker`): `envFrom.secrets` entries and `imagePullSecrets`.
 */
function secretRefs(chart: string, env: (typeof ENVS)[number]): SecretRef[] {
  const out: SecretRef[] = [];
  const walk = (node: unknown, at: string) => {
    if (!node || typeof node !== 'object' || Array.isArray(node)) return;
    for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
      const path = at ? `${at}.${key}` : key;
      if (key === 'envFrom') {
        for (const s of ((value as { secrets?: unknown[] }).secrets ?? []) as (
          string | { name: string; optional?: boolean }
        )[]) {
          out.push(
            typeof s === 'string'
              ? { chart, at: path, name: s, optional: false }
              : { chart, at: path, name: s.name, optional: s.optional === true },
          );
        }
      } else if (key === 'imagePullSecrets') {
        for (const s of value as { name: string }[])
          out.push({ chart, at: path, name: s.name, optional: false });
      } else walk(value, path);
    }
  };
  walk(chartValues(chart, env), '');
  return out;
}

const externalSecrets = objectsOfKind<ExternalSecret>(K8S, 'ExternalSecret');

describe('the Secrets the charts read come from AWS Secrets Manager', () => {
  it('has the ClusterSecretStore aws-secrets-manager on Secrets Manager in us-east-1, by IRSA', () => {
    const stores = objectsOfKind<{
      apiVersion: string;
      metadata: { name: string };
      spec: {
        provider: {
          aws: {
            service: string;
            region: string;
            auth: { jwt: { serviceAccountRef: { name: string; namespace: string } } };
          };
        };
      };
    }>(K8S, 'ClusterSecretStore');
    expect(stores.map((s) => [s.apiVersion, s.metadata.name])).toEqual([
      ['external-secrets.io/v1', STORE],
    ]);
    const { aws } = stores[0].spec.provider;
    expect([aws.service, aws.region]).toEqual(['SecretsManager', 'us-east-1']);
    expect(aws.auth.jwt.serviceAccountRef.namespace).toBeTruthy();
    const kustomization = readYaml<{ resources: string[] }>(join(K8S, 'kustomization.yaml'));
    for (const f of filesUnder(K8S, (n) => /^(cluster-secret-store|external-secrets-)/.test(n)))
      expect(kustomization.resources).toContain(f.split('/').pop());
  });

  it('finds the secret references of every chart (so an empty answer cannot pass)', () => {
    const names = new Set(
      ENVS.flatMap((env) => charts.flatMap((c) => secretRefs(c, env))).map((r) => r.name),
    );
    expect(charts).toHaveLength(6);
    expect(names).toEqual(
      new Set([
        'pingvas-common',
        'pingvas-user-service',
        'pingvas-system-worker',
        'pingvas-payment-service',
        'pingvas-gallery-service',
        'pingvas-storage-credentials',
      ]),
    );
  });

  it.each(ENVS)(
    'makes every Secret the charts read in %s exactly once, from pingvas/<env>/… through the store',
    (env) => {
      const refs = charts.flatMap((c) => secretRefs(c, env));
      const here = externalSecrets.filter((e) => e.metadata.namespace === env);
      const problems: string[] = [];
      for (const name of new Set(refs.map((r) => r.name))) {
        const makers = here.filter((e) => e.spec.target.name === name);
        if (name in NOT_MADE) {
          const required = refs.filter((r) => r.name === name && !r.optional);
          for (const r of required) problems.push(`${r.chart} ${r.at}: ${name} must stay optional`);
          if (makers.length > 0) problems.push(`${name} is made, yet it is ${NOT_MADE[name]}`);
        } else if (makers.length !== 1) {
          problems.push(`${name}: ${makers.length} ExternalSecrets in ${env}`);
        }
      }
      for (const e of here) {
        const where = `${env}/${e.metadata.name}`;
        if (!refs.some((r) => r.name === e.spec.target.name))
          problems.push(`${where}: makes ${e.spec.target.name}, which no chart reads`);
        if (e.apiVersion !== 'external-secrets.io/v1') problems.push(`${where}: ${e.apiVersion}`);
        const store = e.spec.secretStoreRef;
        if (store.kind !== 'ClusterSecretStore' || store.name !== STORE)
          problems.push(`${where}: store ${store.kind}/${store.name}`);
        if (e.spec.target.creationPolicy !== 'Owner') problems.push(`${where}: not Owner`);
        if (!e.spec.refreshInterval) problems.push(`${where}: no refreshInterval`);
        const keys = [
          ...(e.spec.dataFrom ?? []).map((d) => d.extract?.key),
          ...(e.spec.data ?? []).map((d) => d.remoteRef.key),
        ];
        const expected = `pingvas/${env}/${e.spec.target.name.replace(/^pingvas-/, '')}`;
        if (keys.length === 0 || keys.some((k) => k !== expected))
          problems.push(`${where}: remote keys ${keys.join(', ')}, expected ${expected}`);
      }
      expect(problems).toEqual([]);
    },
  );

  it.each(ENVS)(
    'gives user-service its signing keys from the Secret in %s, none of its own',
    (env) => {
      const values = chartValues<{ env: Record<string, string> }>('user-service', env);
      expect(values.env.JWT_SHARED_KEYS).toBe('true');
      const ref = secretRefs('user-service', env).find((r) => r.name === 'pingvas-user-service');
      expect(ref).toMatchObject({ at: 'envFrom', optional: false });
    },
  );

  it('has no template reading a Secret other than through envFrom or imagePullSecrets', () => {
    // secretKeyRef or a secret volume would name a Secret outside the values walked above; the
    // web Ingress's TLS Secret is cert-manager's.
    const hits = filesUnder(join('deploy', 'helm'), (n) => /\.(ya?ml|tpl)$/.test(n))
      .filter((f) => f.includes('/templates/'))
      .flatMap((f) =>
        readText(f)
          .split('\n')
          .filter((line) => /secretKeyRef|secretName|^\s*secret:|projected:/.test(line))
          .map((line) => `${f}: ${line.trim()}`),
      )
      .filter(
        (hit) =>
          !/^deploy\/helm\/web\/templates\/ingress\.yaml: secretName: \{\{ \$i\.tls\.secretName \}\}$/.test(
            hit,
          ),
      );
    expect(hits).toEqual([]);
  });
});
