import type { Tier } from './queues';

/**
 * Generation flow (DESIGN §7): the job generation-service puts on `gen-<tier>`, what the worker
 * reports on `generation-results`, the live events behind the SSE stream, and the gallery
 * hand-off. Job ids never contain ':' (BullMQ's key separator).
 */
export const GENERATION_STATUSES = [
  'queued',
  'running',
  'succeeded',
  'failed',
  'canceled',
  'rejected',
] as const;
export type GenerationStatus = (typeof GENERATION_STATUSES)[number];
export const FINAL_STATUSES: readonly GenerationStatus[] = [
  'succeeded',
  'failed',
  'canceled',
  'rejected',
];

export interface GenerationParams {
  width: number;
  height: number;
  steps: number;
  guidanceScale: number;
  seed: number;
  count: number;
  scheduler: 'euler' | 'lcm';
}

/** The job on the tier queue; its BullMQ id is the generation id. */
export interface GenerationJob {
  generationId: string;
  userId: string;
  tier: Tier;
  model: { id: string; name: string; path: string };
  prompt: string;
  negativePrompt: string | null;
  params: GenerationParams;
  requestId?: string;
}

/** Why a generation failed, as stored and shown to its owner. */
export const GenerationErrorCodes = {
  inference: 'INFERENCE_FAILED',
  storage: 'STORAGE_FAILED',
  stalled: 'WORKER_LOST',
  lost: 'JOB_LOST',
  upstream: 'UPSTREAM_UNAVAILABLE',
} as const;

export const GenerationResultNames = {
  started: 'generation.started',
  finished: 'generation.finished',
} as const;

export interface GenerationStartedMessage {
  generationId: string;
  attempt: number;
  startedAt: string;
  workerId: string;
}

export interface StoredImage {
  index: number;
  width: number;
  height: number;
  seed: number;
  storageKey: string;
  bytes: number;
}

export interface GenerationFinishedMessage {
  generationId: string;
  outcome: 'succeeded' | 'failed' | 'canceled';
  images: StoredImage[];
  startedAt: string;
  finishedAt: string;
  workerId: string;
  provider?: string;
  stepsRun: number;
  error?: { code: string; message: string };
  /** For a run stopped by cancel: the step running when the worker heard of it, and the last. */
  cancel?: { heardAtStep: number; stoppedAtStep: number };
}

export const generationStartedJobId = (generationId: string, attempt: number) =>
  `started-${generationId}-${attempt}`;
/** One final report per generation: a second one (a retried run) is dropped by BullMQ. */
export const generationFinishedJobId = (generationId: string) => `finished-${generationId}`;

/** `gallery-ingest`: one job per succeeded generation, for gallery-service (issue 7). */
export const GalleryIngestNames = { generation: 'generation.succeeded' } as const;
export const galleryIngestJobId = (generationId: string) => `ingest-${generationId}`;

export interface GalleryIngestJob {
  ownerId: string;
  generationId: string;
  boardId: string | null;
  model: { id: string; name: string };
  prompt: string;
  negativePrompt: string | null;
  params: GenerationParams;
  images: (StoredImage & { id: string })[];
  createdAt: string;
  finishedAt: string;
}

/** Live events (Redis pub/sub, not durable: the database holds the truth). */
export type GenerationEventType =
  'queued' | 'started' | 'progress' | 'succeeded' | 'failed' | 'canceled';

export interface GenerationEvent {
  generationId: string;
  type: GenerationEventType;
  data: Record<string, unknown>;
}

/** Redis names shared by generation-service and the worker, under the queue prefix. */
export const GenerationChannels = {
  events: (prefix: string) => `${prefix}:generation-events`,
  cancel: (prefix: string) => `${prefix}:generation-cancel`,
  cancelFlag: (prefix: string, generationId: string) =>
    `${prefix}:generation-cancel:${generationId}`,
  /** A wake-up for idle workers when a job is added (they also poll, so a lost one is harmless). */
  jobAdded: (prefix: string) => `${prefix}:generation-job-added`,
} as const;

export function imageStorageKey(userId: string, generationId: string, index: number): string {
  return `images/${userId}/${generationId}/${index}.png`;
}
