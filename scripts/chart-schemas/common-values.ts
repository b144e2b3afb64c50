import {
  anyObject,
  boolean,
  closed,
  integer,
  nonEmptyString,
  port,
  ref,
  type Schema,
  string,
} from './keywords';

/** `service:` of a chart; `listens` says which port the code listens on (e.g. `user-service: 8001`). */
function service(listens: string): Schema {
  return closed({
    port: { ...port, description: listens },
    type: { enum: ['ClusterIP', 'NodePort', 'LoadBalancer'] },
  });
}

const autoscaling = closed({
  enabled: boolean,
  minReplicas: integer(1),
  maxReplicas: integer(1),
  targetCPUUtilizationPercentage: integer(1, 100),
  targetMemoryUtilizationPercentage: integer(1, 100),
  behavior: { type: 'object', description: 'HPA behavior (autoscaling/v2), passed through' },
});

const networkPolicy = closed({
  enabled: boolean,
  ingressControllers: {
    ...ref('objectList'),
    description: 'NetworkPolicyPeers of the ingress controller',
  },
  prometheus: { ...ref('objectList'), description: 'NetworkPolicyPeers that scrape /metrics' },
  extraIngress: ref('objectList'),
  egress: closed({
    dns: boolean,
    pingvasServices: boolean,
    postgresql: ref('egressTarget'),
    redis: ref('egressTarget'),
    elasticsearch: ref('egressTarget'),
    extra: ref('objectList'),
  }),
});

/** What the five service charts have and the web chart has not (nginx: no metrics, no database). */
export const SERVICE_ONLY_VALUES: Record<string, Schema> = {
  serviceMonitor: closed({
    enabled: boolean,
    path: string('^/'),
    interval: ref('duration'),
    scrapeTimeout: ref('duration'),
    labels: ref('stringMap'),
  }),
  migration: closed({
    enabled: boolean,
    command: { type: 'array', minItems: 1, items: nonEmptyString },
    backoffLimit: integer(0),
    activeDeadlineSeconds: integer(1),
    hookWeight: { type: 'integer' },
    serviceAccountName: ref('k8sName'),
    resources: ref('resources'),
  }),
};

/**
 * The top-level values of every chart, in the order values.yaml lists them; `serviceOnly`
 * (serviceMonitor, migration) goes after networkPolicy.
 */
export function commonValues(listens: string, serviceOnly: Record<string, Schema>) {
  return {
    global: {
      type: 'object',
      description: 'Helm adds it to the values of a chart with dependencies',
    },
    'pingvas-lib': {
      type: 'object',
      description: 'the library dependency (no values of its own)',
    },
    nameOverride: { type: 'string' },
    fullnameOverride: { type: 'string' },
    image: ref('image'),
    imagePullSecrets: {
      type: 'array',
      items: closed({ name: ref('k8sName') }, { required: ['name'] }),
    },
    replicaCount: { ...integer(0), description: 'ignored while autoscaling.enabled' },
    service: service(listens),
    probes: ref('probes'),
    env: ref('env'),
    envFrom: ref('envFrom'),
    resources: ref('resources'),
    autoscaling,
    podDisruptionBudget: closed({
      enabled: boolean,
      minAvailable: ref('intOrPercent'),
      maxUnavailable: ref('intOrPercent'),
    }),
    networkPolicy,
    ...serviceOnly,
    priorityClassName: ref('priorityClassName'),
    serviceAccount: closed({
      create: boolean,
      name: { type: 'string' },
      annotations: ref('stringMap'),
      automount: boolean,
    }),
    podSecurityContext: anyObject,
    securityContext: anyObject,
    terminationGracePeriodSeconds: integer(0),
    preStopSleepSeconds: {
      ...integer(0),
      description:
        'preStop sleep before SIGTERM so endpoints drain (seed 000); the workers use it too; 0: none',
    },
    strategy: ref('strategy'),
    podAnnotations: ref('stringMap'),
    podLabels: ref('stringMap'),
    nodeSelector: ref('stringMap'),
    tolerations: ref('objectList'),
    affinity: anyObject,
    topologySpread: ref('topologySpread'),
    tmpSizeLimit: ref('quantity'),
  };
}
