import type { GenerationParams, GenerationStatus, StoredImage, Tier } from '@pingvas/contracts';

/** A `generations` row as the service reads it, and the shapes written to the table. */
export interface GenerationRow {
  id: string;
  userId: string;
  status: GenerationStatus;
  prompt: string;
  negativePrompt: string | null;
  modelId: string;
  modelName: string;
  modelPath: string;
  boardId: string | null;
  params: GenerationParams;
  tier: Tier;
  queue: string;
  cost: number;
  idempotencyKey: string | null;
  requestHash: string | null;
  attempts: number;
  stepsDone: number;
  provider: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  settlement: 'capture' | 'release' | null;
  settledAt: Date | null;
  createdAt: Date;
  /** When its job was confirmed in the tier queue (null: not yet, or never). */
  enqueuedAt: Date | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  updatedAt: Date;
}

export interface ImageRow extends StoredImage {
  id: string;
  generationId: string;
}

export type NewGeneration = Pick<
  GenerationRow,
  | 'id'
  | 'userId'
  | 'prompt'
  | 'negativePrompt'
  | 'modelId'
  | 'modelName'
  | 'modelPath'
  | 'boardId'
  | 'params'
  | 'tier'
  | 'queue'
  | 'cost'
  | 'idempotencyKey'
  | 'requestHash'
>;

export interface Finish {
  status: 'succeeded' | 'failed' | 'canceled' | 'rejected';
  /** What the held credits need: capture on success, release otherwise, none when none are held. */
  settlement: 'capture' | 'release' | null;
  stepsDone?: number;
  provider?: string | null;
  error?: { code: string; message: string } | null;
  startedAt?: Date | null;
  finishedAt?: Date;
  /** Only these statuses may move to the final one (every transition is conditional). */
  from: GenerationStatus[];
}

export function toRow(r: Record<string, unknown>): GenerationRow {
  return {
    id: String(r.id),
    userId: String(r.user_id),
    status: r.status as GenerationStatus,
    prompt: String(r.prompt),
    negativePrompt: (r.negative_prompt as string | null) ?? null,
    modelId: String(r.model_id),
    modelName: String(r.model_name),
    modelPath: String(r.model_path),
    boardId: (r.board_id as string | null) ?? null,
    params: r.params as GenerationParams,
    tier: r.tier as Tier,
    queue: String(r.queue),
    cost: Number(r.cost),
    idempotencyKey: (r.idempotency_key as string | null) ?? null,
    requestHash: (r.request_hash as string | null) ?? null,
    attempts: Number(r.attempts),
    stepsDone: Number(r.steps_done),
    provider: (r.provider as string | null) ?? null,
    errorCode: (r.error_code as string | null) ?? null,
    errorMessage: (r.error_message as string | null) ?? null,
    settlement: (r.settlement as 'capture' | 'release' | null) ?? null,
    settledAt: (r.settled_at as Date | null) ?? null,
    createdAt: r.created_at as Date,
    enqueuedAt: (r.enqueued_at as Date | null) ?? null,
    startedAt: (r.started_at as Date | null) ?? null,
    finishedAt: (r.finished_at as Date | null) ?? null,
    updatedAt: r.updated_at as Date,
  };
}

export function toImage(r: Record<string, unknown>): ImageRow {
  return {
    id: String(r.id),
    generationId: String(r.generation_id),
    index: Number(r.index),
    width: Number(r.width),
    height: Number(r.height),
    seed: Number(r.seed),
    storageKey: String(r.storage_key),
    bytes: Number(r.bytes),
  };
}
