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

/** Attempts of a job the outbox writes, when not OUTBOX_DEFAULT_ATTEMPTS (BullMQ backoff: 1 s doubling). */
export const OUTBOX_DEFAULT_ATTEMPTS = 10;
export const OUTBOX_ATTEMPTS: Partial<Record<QueueName, number>> = {
  // An erasure must outlast an outage of a dependency (Lemon Squeezy for payment's): 20
  // attempts back off for about 12 days, within the month PIPA and the GDPR allow.
  'payment-erasure': 20,
  'generation-erasure': 20,
  'gallery-erasure': 20,
  'system-erasure': 20,
};

/** Scheduled job names, each the only job of its maintenance queue. */
export const ScheduledJobNames = {
  expireReservations: 'reservations.expire',
  removeDeletedFiles: 'images.remove-files',
  sweepGenerations: 'generations.sweep',
  /** The system worker: export zips past their link's life, and old send-once records. */
  expireExports: 'exports.expire',
} as const;

export const TierJobName = 'generate' as const;
