import type {
  GalleryIngestJob,
  GenerationFinishedMessage,
  GenerationJob,
  GenerationStartedMessage,
} from './generation';
import type { EmailJob, ErasureQueueName, ExportJob, UserDeletedEvent } from './account-lifecycle';
import type { SearchIndexJob, Tier, UserCreatedEvent } from './queues';

/** A job that carries nothing: a scheduled run whose work is read from the database. */
export type ScheduledRun = Record<string, never>;

/**
 * Every durable queue: queue → job name → payload, as `RpcContract` is for RPC. Producers
 * (`addJob`, the outbox) and consumers (`@OnJob`) are typed by it, and a process that consumes
 * a queue refuses to boot unless each job name below has exactly one handler.
 */
export type QueueContract = {
  'user-events': { 'user.created': UserCreatedEvent };
  'generation-results': {
    'generation.started': GenerationStartedMessage;
    'generation.finished': GenerationFinishedMessage;
  };
  'gallery-ingest': { 'generation.succeeded': GalleryIngestJob };
  'search-index': { 'images.changed': SearchIndexJob };
  'payment-maintenance': { 'reservations.expire': ScheduledRun };
  'gallery-maintenance': { 'images.remove-files': ScheduledRun };
  'generation-maintenance': { 'generations.sweep': ScheduledRun };
  'system-email': { 'email.send': EmailJob };
  'system-export': { 'export.build': ExportJob };
  'system-maintenance': { 'exports.expire': ScheduledRun };
  'user-maintenance': { 'accounts.prune': ScheduledRun };
} & { [T in Tier as `gen-${T}`]: { generate: GenerationJob } } & {
  [Q in ErasureQueueName]: { 'user.deleted': UserDeletedEvent };
};

export type QueueName = keyof QueueContract;
export type JobName<Q extends QueueName> = keyof QueueContract[Q] & string;
export type JobPayload<Q extends QueueName, N extends JobName<Q>> = QueueContract[Q][N];

/** The job names of each queue at run time, for the boot check of handlers. */
export const QUEUE_JOB_NAMES: { readonly [Q in QueueName]: readonly JobName<Q>[] } = {
  'user-events': ['user.created'],
  'generation-results': ['generation.started', 'generation.finished'],
  'gallery-ingest': ['generation.succeeded'],
  'search-index': ['images.changed'],
  'payment-maintenance': ['reservations.expire'],
  'gallery-maintenance': ['images.remove-files'],
  'generation-maintenance': ['generations.sweep'],
  'system-email': ['email.send'],
  'system-export': ['export.build'],
  'system-maintenance': ['exports.expire'],
  'user-maintenance': ['accounts.prune'],
  'payment-erasure': ['user.deleted'],
  'generation-erasure': ['user.deleted'],
  'gallery-erasure': ['user.deleted'],
  'system-erasure': ['user.deleted'],
  'gen-enterprise': ['generate'],
  'gen-studio': ['generate'],
  'gen-pro': ['generate'],
  'gen-starter': ['generate'],
  'gen-free': ['generate'],
};

/** How the outbox queues a job, where a queue needs other than the defaults below. */
export interface OutboxJobPolicy {
  /** Attempts before BullMQ gives the job up (backoff: 1 s, doubling). */
  attempts: number;
  /** How long a completed job stays in Redis (it holds the payload). */
  keepCompletedSeconds: number;
}

export const OUTBOX_DEFAULT_POLICY: OutboxJobPolicy = {
  attempts: 10, // about 17 minutes of backoff
  keepCompletedSeconds: 24 * 3600,
};

// An erasure must outlast an outage of what it depends on (Lemon Squeezy for payment's): 20
// attempts back off for about 12 days, within the month PIPA and the GDPR allow.
const ERASURE_POLICY: Partial<OutboxJobPolicy> = { attempts: 20 };

export const OUTBOX_POLICIES: Partial<Record<QueueName, Partial<OutboxJobPolicy>>> = {
  // A sent mail holds its address: an hour in Redis is enough to look at it, and the system
  // worker's send-once record (no address) guards against a second send after that.
  'system-email': { keepCompletedSeconds: 3600 },
  'payment-erasure': ERASURE_POLICY,
  'generation-erasure': ERASURE_POLICY,
  'gallery-erasure': ERASURE_POLICY,
  'system-erasure': ERASURE_POLICY,
};

export function outboxPolicyOf(queue: string): OutboxJobPolicy {
  return { ...OUTBOX_DEFAULT_POLICY, ...OUTBOX_POLICIES[queue as QueueName] };
}

/** Scheduled job names, each the only job of its maintenance queue. */
export const ScheduledJobNames = {
  expireReservations: 'reservations.expire',
  removeDeletedFiles: 'images.remove-files',
  sweepGenerations: 'generations.sweep',
  /** The system worker: export zips past their link's life, and old send-once records. */
  expireExports: 'exports.expire',
  /** user-service: refresh tokens, mailed tokens and export links long past their life. */
  pruneAccountRecords: 'accounts.prune',
} as const;

export const TierJobName = 'generate' as const;
