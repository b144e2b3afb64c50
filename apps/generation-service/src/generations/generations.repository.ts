import { Injectable } from '@nestjs/common';
import type { GenerationParams, GenerationStatus, StoredImage, Tier } from '@pingvas/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { GenerationMetrics } from './generation-metrics';

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

function toRow(r: Record<string, unknown>): GenerationRow {
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
    startedAt: (r.started_at as Date | null) ?? null,
    finishedAt: (r.finished_at as Date | null) ?? null,
    updatedAt: r.updated_at as Date,
  };
}

function toImage(r: Record<string, unknown>): ImageRow {
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

/** Every state change is one conditional UPDATE, so concurrent actors cannot both win. */
@Injectable()
export class GenerationsRepository {
  constructor(
    readonly dataSource: DataSource,
    private readonly metrics: GenerationMetrics,
  ) {}

  private q(manager?: EntityManager) {
    return manager ?? this.dataSource.manager;
  }

  async find(id: string, manager?: EntityManager): Promise<GenerationRow | undefined> {
    const rows = await this.q(manager).query(`SELECT * FROM "generations" WHERE "id" = $1`, [id]);
    return rows[0] ? toRow(rows[0]) : undefined;
  }

  async findOwned(id: string, userId: string): Promise<GenerationRow | undefined> {
    const rows = await this.q().query(
      `SELECT * FROM "generations" WHERE "id" = $1 AND "user_id" = $2`,
      [id, userId],
    );
    return rows[0] ? toRow(rows[0]) : undefined;
  }

  /**
   * The generation a key named within `windowHours`; an older one gives its key up, so the
   * key may be used again.
   */
  async findByIdempotencyKey(
    manager: EntityManager,
    userId: string,
    key: string,
    windowHours: number,
  ): Promise<GenerationRow | undefined> {
    await manager.query(
      `UPDATE "generations" SET "idempotency_key" = NULL
       WHERE "user_id" = $1 AND "idempotency_key" = $2 AND "created_at" < now() - make_interval(hours => $3)`,
      [userId, key, windowHours],
    );
    const rows = await manager.query(
      `SELECT * FROM "generations" WHERE "user_id" = $1 AND "idempotency_key" = $2`,
      [userId, key],
    );
    return rows[0] ? toRow(rows[0]) : undefined;
  }

  /** Serialises one user's submissions (limits and idempotency keys are checked under it). */
  async lockUser(manager: EntityManager, userId: string): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 7))`, [userId]);
  }

  async countInFlight(userId: string, manager?: EntityManager): Promise<number> {
    const [{ n }] = await this.q(manager).query(
      `SELECT count(*)::int AS n FROM "generations" WHERE "user_id" = $1 AND "status" IN ('queued', 'running')`,
      [userId],
    );
    return Number(n);
  }

  async insert(manager: EntityManager, g: NewGeneration): Promise<GenerationRow> {
    const rows = await manager.query(
      `INSERT INTO "generations" ("id", "user_id", "status", "prompt", "negative_prompt", "model_id",
         "model_name", "model_path", "board_id", "params", "tier", "queue", "cost", "idempotency_key", "request_hash", "created_at")
       VALUES ($1, $2, 'queued', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,
               date_trunc('milliseconds', now())) RETURNING *`,
      [
        g.id,
        g.userId,
        g.prompt,
        g.negativePrompt,
        g.modelId,
        g.modelName,
        g.modelPath,
        g.boardId,
        JSON.stringify(g.params),
        g.tier,
        g.queue,
        g.cost,
        g.idempotencyKey,
        g.requestHash,
      ],
    );
    return toRow(rows[0]);
  }

  async markRunning(id: string, startedAt: Date, attempt: number): Promise<boolean> {
    // TypeORM answers an UPDATE on PostgreSQL with [rows, rowCount].
    const [rows] = await this.q().query(
      `UPDATE "generations" SET "status" = 'running', "started_at" = coalesce("started_at", $2),
         "attempts" = greatest("attempts", $3), "updated_at" = now()
       WHERE "id" = $1 AND "status" IN ('queued', 'running') RETURNING "id"`,
      [id, startedAt, attempt],
    );
    return rows.length === 1;
  }

  /** Moves a generation to a final status; undefined when it was not in one of `from`. */
  async finish(id: string, f: Finish, manager?: EntityManager): Promise<GenerationRow | undefined> {
    const [rows] = await this.q(manager).query(
      `UPDATE "generations" SET "status" = $2, "settlement" = $3, "steps_done" = coalesce($4, "steps_done"),
         "provider" = coalesce($5, "provider"), "error_code" = $6, "error_message" = $7,
         "started_at" = coalesce("started_at", $8), "finished_at" = $9, "updated_at" = now()
       WHERE "id" = $1 AND "status" = ANY($10) RETURNING *`,
      [
        id,
        f.status,
        f.settlement,
        f.stepsDone ?? null,
        f.provider ?? null,
        f.error?.code ?? null,
        f.error?.message?.slice(0, 1000) ?? null,
        f.startedAt ?? null,
        f.finishedAt ?? new Date(),
        f.from,
      ],
    );
    if (!rows[0]) return undefined;
    // Every final status passes here exactly once (the UPDATE is conditional).
    const row = toRow(rows[0]);
    this.metrics.finishedOne(row.tier, row.status);
    return row;
  }

  async insertImages(manager: EntityManager, images: ImageRow[]): Promise<void> {
    for (const image of images) {
      await manager.query(
        `INSERT INTO "generation_images" ("id", "generation_id", "index", "width", "height", "seed", "storage_key", "bytes")
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT ("generation_id", "index") DO NOTHING`,
        [
          image.id,
          image.generationId,
          image.index,
          image.width,
          image.height,
          image.seed,
          image.storageKey,
          image.bytes,
        ],
      );
    }
  }

  async images(generationIds: string[]): Promise<ImageRow[]> {
    if (generationIds.length === 0) return [];
    const rows = await this.q().query(
      `SELECT * FROM "generation_images" WHERE "generation_id" = ANY($1) ORDER BY "generation_id", "index"`,
      [generationIds],
    );
    return rows.map(toImage);
  }

  async markSettled(id: string, outcome: string): Promise<void> {
    await this.q().query(
      `UPDATE "generations" SET "settled_at" = now(), "settlement_outcome" = $2
       WHERE "id" = $1 AND "settled_at" IS NULL`,
      [id, outcome],
    );
  }

  /** Own generations, newest first; the cursor is the last row's (created_at, id) (ms precision, as stored). */
  async list(
    userId: string,
    limit: number,
    status?: GenerationStatus,
    cursor?: { createdAt: string; id: string },
  ): Promise<GenerationRow[]> {
    const params: unknown[] = [userId, limit];
    let where = `"user_id" = $1`;
    if (status) {
      params.push(status);
      where += ` AND "status" = $${params.length}`;
    }
    if (cursor) {
      params.push(cursor.createdAt, cursor.id);
      where += ` AND ("created_at", "id") < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`;
    }
    const rows = await this.q().query(
      `SELECT * FROM "generations" WHERE ${where} ORDER BY "created_at" DESC, "id" DESC LIMIT $2`,
      params,
    );
    return rows.map(toRow);
  }

  async unsettled(olderThanMs: number, limit = 100): Promise<string[]> {
    const rows = await this.q().query(
      `SELECT "id" FROM "generations" WHERE "settlement" IS NOT NULL AND "settled_at" IS NULL
         AND "updated_at" < now() - make_interval(secs => $1) ORDER BY "updated_at" LIMIT $2`,
      [olderThanMs / 1000, limit],
    );
    return rows.map((r: { id: string }) => r.id);
  }

  async inFlightOlderThan(ms: number, limit = 500): Promise<GenerationRow[]> {
    const rows = await this.q().query(
      `SELECT * FROM "generations" WHERE "status" IN ('queued', 'running')
         AND "updated_at" < now() - make_interval(secs => $1) ORDER BY "updated_at" LIMIT $2`,
      [ms / 1000, limit],
    );
    return rows.map(toRow);
  }

  /** Mean run time of recent successes per tier (for the wait estimate), in seconds. */
  async recentRunSeconds(): Promise<number | null> {
    const [{ avg }] = await this.q().query(
      `SELECT avg(extract(epoch FROM "finished_at" - "started_at"))::float AS avg FROM (
         SELECT "finished_at", "started_at" FROM "generations"
         WHERE "status" = 'succeeded' AND "started_at" IS NOT NULL
         ORDER BY "finished_at" DESC LIMIT 50) recent`,
    );
    return avg === null ? null : Number(avg);
  }
}
