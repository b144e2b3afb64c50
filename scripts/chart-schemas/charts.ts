import { API_BASE, QueueNames, SERVICES, TIERS, WEB } from '@pingvas/contracts';
import { commonValues, SERVICE_ONLY_VALUES } from './common-values';
import { DEFINITIONS } from './definitions';
import {
  anyObject,
  boolean,
  closed,
  integer,
  narrowed,
  nonEmptyString,
  port,
  ref,
  type Schema,
  string,
} from './keywords';

const decimal = string('^[0-9]+(\\.[0-9]+)?$');
const oneOrMore = (values: readonly string[]): Schema => ({
  type: 'array',
  minItems: 1,
  uniqueItems: true,
  items: { enum: values },
});

/** generation-service deploys the GPU worker too, scaled from zero by KEDA on the tier queues. */
const worker = closed({
  enabled: boolean,
  image: ref('image'),
  replicaCount: { ...integer(0), description: 'only when keda.enabled is false' },
  port,
  probes: ref('probes'),
  terminationGracePeriodSeconds: {
    ...integer(1),
    description:
      'must exceed WORKER_SHUTDOWN_GRACE_MS + SHUTDOWN_TIMEOUT_MS (checked by the template)',
  },
  strategy: ref('strategy'),
  env: narrowed('env', {
    WORKER_SHUTDOWN_GRACE_MS: string('^[0-9]+$'),
    WORKER_CONCURRENCY: string('^[1-9][0-9]*$'),
    ORT_EXECUTION_PROVIDERS: string('^[a-z0-9]+(,[a-z0-9]+)*$'),
  }),
  envFrom: ref('envFrom'),
  resources: ref('resources'),
  persistence: closed({ models: ref('volume'), storage: ref('volume') }),
  modelCache: closed(
    {
      mountPath: string('^/'),
      maxBytes: string('^[1-9][0-9]*$'),
      hostPath: closed({
        enabled: boolean,
        path: string('^/'),
        type: { enum: ['DirectoryOrCreate', 'Directory'] },
      }),
      sizeLimit: ref('quantity'),
    },
    {
      description:
        'MODEL_CACHE_DIR at mountPath: a folder of the node shared by its workers (hostPath), or an emptyDir per pod',
      required: ['mountPath', 'maxBytes', 'hostPath'],
    },
  ),
  nodeSelector: ref('stringMap'),
  tolerations: ref('objectList'),
  affinity: anyObject,
  podAnnotations: ref('stringMap'),
  podLabels: ref('stringMap'),
  priorityClassName: ref('priorityClassName'),
  topologySpread: ref('topologySpread'),
  tmpSizeLimit: ref('quantity'),
  keda: closed({
    enabled: boolean,
    minReplicaCount: integer(0),
    maxReplicaCount: integer(1),
    pollingInterval: integer(1),
    cooldownPeriod: integer(0),
    prometheus: closed({
      serverAddress: string('^https?://'),
      // Every tier queue, each with the queued jobs one worker is there for (seed 004).
      queuedJobsPerWorker: closed(
        Object.fromEntries(TIERS.map((tier) => [QueueNames.tier(tier), integer(1)])),
      ),
      queuedStates: oneOrMore(['waiting', 'prioritized', 'delayed']),
      activeJobsPerWorker: integer(1),
      threshold: decimal,
      activationThreshold: decimal,
      scopeToNamespace: boolean,
    }),
  }),
});

/** user-service deploys the system worker too (mail, exports), with its own migration Job. */
const systemWorker = closed({
  enabled: boolean,
  image: ref('image'),
  replicaCount: integer(0),
  port,
  probes: ref('probes'),
  terminationGracePeriodSeconds: integer(1),
  strategy: ref('strategy'),
  env: narrowed('env', {
    MAIL_FROM: { type: 'string', minLength: 3 },
  }),
  envFrom: ref('envFrom'),
  resources: ref('resources'),
  smtpEgress: closed(
    {
      ports: { type: 'array', minItems: 1, items: port },
      to: { ...ref('objectList'), description: 'empty: any address on these ports' },
    },
    { description: 'where the worker may send mail (its NetworkPolicy)' },
  ),
  migration: closed({
    enabled: boolean,
    command: { type: 'array', minItems: 1, items: nonEmptyString },
    backoffLimit: integer(0),
    activeDeadlineSeconds: integer(1),
    hookWeight: { type: 'integer' },
    resources: ref('resources'),
  }),
  nodeSelector: ref('stringMap'),
  tolerations: ref('objectList'),
  affinity: anyObject,
  podAnnotations: ref('stringMap'),
  podLabels: ref('stringMap'),
  priorityClassName: ref('priorityClassName'),
  topologySpread: ref('topologySpread'),
  tmpSizeLimit: ref('quantity'),
});

const ingressRoutes: Schema = { type: 'array', items: ref('ingressRoute') };

/** The web chart's Ingress makes the suite's one origin (deploy/helm/README.md). */
const ingress = closed(
  {
    enabled: boolean,
    className: nonEmptyString,
    // No lookahead for the 253-character limit: Helm checks patterns with Go's RE2, which has none.
    host: { ...string('^$|^([a-z0-9]([-a-z0-9]*[a-z0-9])?\\.)+[a-z]{2,63}$'), maxLength: 253 },
    tls: closed({ clusterIssuer: nonEmptyString, secretName: ref('k8sName') }),
    proxyBodySize: string('^[0-9]+[kmg]?$'),
    annotations: ref('stringMap'),
    routes: ingressRoutes,
    sse: closed({ readTimeoutSeconds: integer(60, 86400), paths: ingressRoutes }),
  },
  {
    description:
      "The Ingress of the one origin: /api/v1/<prefix> to the services, / to this chart's nginx",
  },
);

const ingressRoute = closed(
  {
    path: string(`^${API_BASE}/`),
    service: { type: 'string', enum: Object.values(SERVICES).map((s) => s.name) },
    port,
  },
  { required: ['path', 'service', 'port'] },
);

const storage = closed({ storage: ref('volume') });

interface ChartAdditions {
  values?: Record<string, Schema>;
  definitions?: Record<string, Schema>;
}

/** What a chart adds to the values every chart has (after them, in this order). */
const ADDITIONS: Record<string, ChartAdditions> = {
  [SERVICES.user.name]: { values: { systemWorker } },
  [SERVICES.generation.name]: { values: { persistence: storage, worker } },
  [SERVICES.gallery.name]: { values: { persistence: storage } },
  [SERVICES.model.name]: { values: { persistence: closed({ models: ref('volume') }) } },
  [WEB.name]: { values: { ingress }, definitions: { ingressRoute } },
};

/** The charts whose values.schema.json is made here: one per service, and the web chart. */
export const SCHEMA_CHARTS: string[] = [...Object.values(SERVICES).map((s) => s.name), WEB.name];

/** `deploy/helm/<chart>/values.schema.json`, as `npm run charts:schemas` writes it. */
export function chartValuesSchema(chart: string): Schema {
  if (!SCHEMA_CHARTS.includes(chart)) throw new Error(`no values schema for the chart ${chart}`);
  const service = Object.values(SERVICES).find((s) => s.name === chart);
  const { values, definitions } = ADDITIONS[chart] ?? {};
  const common = service
    ? commonValues(`${service.name}: ${service.port}`, SERVICE_ONLY_VALUES)
    : commonValues(`${WEB.name} (nginx-unprivileged): ${WEB.port}`, {});
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: `${chart} chart values`,
    type: 'object',
    additionalProperties: false,
    properties: { ...common, ...values },
    definitions: { ...DEFINITIONS, ...definitions },
  };
}
