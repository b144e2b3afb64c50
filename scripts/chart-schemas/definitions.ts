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
import { IMAGE_TAG } from '../set-image-tag/values-file';

/** A Docker tag, as set-image-tag writes it, or empty. */
const IMAGE_TAG_OR_EMPTY = `^(${IMAGE_TAG.source.slice(1, -1)})?$`;

const K8S_NAME = '[a-z0-9]([-a-z0-9.]*[a-z0-9])?';
const envFromRefs: Schema = { type: 'array', items: ref('envFromRef') };

/** Secret variables: they reach a pod through envFrom (an existing Secret), never through env. */
export const SECRET_VARIABLES = [
  'DATABASE_URL',
  'REDIS_URL',
  'REDIS_SENTINEL_PASSWORD',
  'JWT_PRIVATE_KEYS',
  'LEMONSQUEEZY_API_KEY',
  'LEMONSQUEEZY_WEBHOOK_SECRET',
  'GALLERY_URL_SECRET',
  // The system worker's SMTP credentials (SES SMTP user and password, in the URL).
  'SMTP_URL',
  // S3 keys where no IRSA role is at hand (a Secret such as pingvas-storage-credentials).
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
];

const RPC_NAME = string('^([A-Za-z0-9_.:-]{1,64})?$');

/** `definitions` of every chart's schema: Kubernetes shapes and the suite's conventions. */
export const DEFINITIONS: Record<string, Schema> = {
  k8sName: { type: 'string', pattern: `^${K8S_NAME}$`, maxLength: 253 },
  quantity: {
    oneOf: [
      string('^[0-9]+(\\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$'),
      { type: 'number', minimum: 0 },
    ],
  },
  intOrPercent: { oneOf: [integer(0), string('^[0-9]+%$')] },
  stringMap: { type: 'object', additionalProperties: { type: 'string' } },
  objectList: { type: 'array', items: anyObject },
  duration: string('^[0-9]+(ms|s|m|h)$'),
  image: closed({
    repository: nonEmptyString,
    tag: {
      // Empty passes here so that the template's `required` names what is missing.
      ...string(IMAGE_TAG_OR_EMPTY),
      description:
        'the commit whose images CI pushed (values-<env>.yaml); a workload image without one takes the chart image.tag',
    },
    pullPolicy: { enum: ['Always', 'IfNotPresent', 'Never'] },
  }),
  probe: closed({
    path: { enum: ['/health', '/ready'] },
    periodSeconds: integer(1),
    failureThreshold: integer(1),
    timeoutSeconds: integer(1),
    initialDelaySeconds: integer(0),
  }),
  probes: closed(
    {
      startup: ref('probe'),
      liveness: narrowed('probe', { path: { const: '/health' } }),
      readiness: narrowed('probe', { path: { const: '/ready' } }),
    },
    { description: 'liveness never checks dependencies (/health); readiness does (/ready)' },
  ),
  env: {
    type: 'object',
    description:
      'Plain settings, strings only. Secrets (DATABASE_URL, REDIS_URL, REDIS_SENTINEL_PASSWORD, JWT_PRIVATE_KEYS, LEMONSQUEEZY keys, GALLERY_URL_SECRET, SMTP_URL, AWS keys) come through envFrom, never here.',
    propertyNames: { pattern: '^[A-Z_][A-Z0-9_]*$', not: { enum: SECRET_VARIABLES } },
    properties: {
      APP_ENV: { enum: ['dev', 'prod'] },
      LOG_LEVEL: { enum: ['', 'fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
      DB_SCHEMA: string('^([a-z_][a-z0-9_]*)?$'),
      QUEUE_PREFIX: RPC_NAME,
      RPC_NAMESPACE: RPC_NAME,
      PORT: string('^[0-9]*$'),
      JWKS_URL: string('^(https?://.+)?$'),
      REDIS_SENTINELS: string(
        '^([A-Za-z0-9_.-]+(:[0-9]{1,5})?( *, *[A-Za-z0-9_.-]+(:[0-9]{1,5})?)*)?$',
      ),
      REDIS_SENTINEL_NAME: string('^([A-Za-z0-9_.-]{1,64})?$'),
      STORAGE_DRIVER: { enum: ['', 'local', 's3'] },
      S3_BUCKET: string('^([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])?$'),
      S3_REGION: string('^([a-z0-9-]{2,32})?$'),
      S3_ENDPOINT: string('^(https?://.+)?$'),
      S3_FORCE_PATH_STYLE: { enum: ['', 'true', 'false'] },
    },
    patternProperties: {
      '_(MS|SECONDS|MINUTES|DAYS|PER_MINUTE|PER_SECOND|SIZE|CONCURRENCY)$': string('^[0-9]*$'),
    },
    additionalProperties: { type: 'string' },
  },
  envFromRef: {
    anyOf: [
      ref('k8sName'),
      closed({ name: ref('k8sName'), optional: boolean }, { required: ['name'] }),
    ],
  },
  envFrom: closed(
    { configMaps: envFromRefs, secrets: envFromRefs },
    { description: 'names of existing ConfigMaps / Secrets (e.g. an ExternalSecret target)' },
  ),
  resourceList: closed({
    cpu: ref('quantity'),
    memory: ref('quantity'),
    'ephemeral-storage': ref('quantity'),
    'nvidia.com/gpu': integer(0),
  }),
  resources: closed({ requests: ref('resourceList'), limits: ref('resourceList') }),
  strategy: closed({
    type: { enum: ['RollingUpdate', 'Recreate'] },
    rollingUpdate: closed({ maxSurge: ref('intOrPercent'), maxUnavailable: ref('intOrPercent') }),
  }),
  topologySpread: closed({
    enabled: boolean,
    maxSkew: integer(1),
    whenUnsatisfiable: { enum: ['ScheduleAnyway', 'DoNotSchedule'] },
    topologyKeys: { type: 'array', items: nonEmptyString },
  }),
  volume: closed(
    {
      enabled: boolean,
      existingClaim: ref('k8sName'),
      mountPath: string('^/'),
      subPath: { type: 'string' },
      readOnly: boolean,
    },
    { description: 'an existing PersistentVolumeClaim (ReadWriteMany); disabled: an emptyDir' },
  ),
  priorityClassName: string(`^(${K8S_NAME})?$`),
  egressTarget: closed({
    enabled: boolean,
    ports: { type: 'array', minItems: 1, items: port },
    to: { ...ref('objectList'), description: 'empty: any address on these ports' },
  }),
};
