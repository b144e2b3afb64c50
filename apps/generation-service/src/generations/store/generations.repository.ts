import { Injectable } from '@nestjs/common';
import type { GenerationStatus } from '@pingvas/contracts';
import { SqlRepository, type Tx, WITHOUT_FLUSH_WAIT } from '@pingvas/database';
import { type Finish, type GenerationRow, type NewGeneration, toRow } from './generation-row';

export type { Finish, GenerationRow, ImageRow, NewGeneration } from './generation-row';

/** Windows of `active_users`, as PostgreSQL intervals. */
export const ACTIVE_USER_WINDOWS = { '1h': '1 hour', '24h': '24 hours', '30d': '30 days' } as const;
export type ActiveUserWindow = keyof typeof ACTIVE_USER_WINDOWS;

/**
 * The `generations` table (its images are GenerationImagesRepository's). Every state change is
 * one conditional UPDATE, so concurrent actors cannot both win.
 */
@Injectable()
export class GenerationsRepository extends SqlRepository {
  async find(id: string, tx?: Tx): Promise<GenerationRow | undefined> {
    const rows = await this.query(`SELECT * FROM "generations" WHERE "id" = $1`, [id], tx);
    return rows[0] ? toRow(rows[0]) : undefined;
  }

  async findOwned(id: string, userId: string): Promise<GenerationRow | undefined> {
    const rows = await this.query(
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
    userId: string,
    key: string,
    windowHours: number,
    tx: Tx,
  ): Promise<GenerationRow | undefined> {
    await this.query(
      `UPDATE "generations" SET "idempotency_key" = NULL
       WHERE "user_id" = $1 AND "idempotency_key" = $2 AND "created_at" < now() - make_interval(hours => $3)`,
      [userId, key, windowHours],
      tx,
    );
    const rows = await this.query(
      `SELECT * FROM "generations" WHERE "user_id" = $1 AND "idempotency_key" = $2`,
      [userId, key],
      tx,
    );
    return rows[0] ? toRow(rows[0]) : undefined;
  }

  /** Serialises one user's submissions (limits and idempotency keys are checked under it). */
  async lockUser(userId: string, tx: Tx): Promise<void> {
    await this.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 7))`, [userId], tx);
  }

  async countInFlight(userId: string, tx?: Tx): Promise<number> {
    const [{ n }] = await this.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "generations" WHERE "user_id" = $1 AND "status" IN ('queued', 'running')`,
      [userId],
      tx,
    );
    return Number(n);
  }

  /** One user's queued and running generations (the slots the plan limits). */
  async inFlightOf(userId: string): Promise<GenerationRow[]> {
    const rows = await this.query(
      `SELECT * FROM "generations" WHERE "user_id" = $1 AND "status" IN ('queued', 'running')
       ORDER BY "created_at"`,
      [userId],
    );
    return rows.map(toRow);
  }

  /**
   * Inserts the generation unless the user already has `maxInFlight` queued or running (one
   * statement instead of a count and an insert; the caller holds the user's lock).
   */
  async insertIfRoom(
    g: NewGeneration,
    maxInFlight: number,
    tx: Tx,
  ): Promise<GenerationRow | undefined> {
    const rows = await this.query(
      `INSERT INTO "generations" ("id", "user_id", "status", "prompt", "negative_prompt", "model_id",
         "model_name", "model_path", "board_id", "params", "tier", "queue", "cost", "idempotency_key", "request_hash", "created_at")
       SELECT $1::uuid, $2::uuid, 'queued', $3::text, $4::text, $5::text, $6::text, $7::text, $8::uuid,
              $9::jsonb, $10::text, $11::text, $12::int, $13::text, $14::text, date_trunc('milliseconds', now())
       WHERE (SELECT count(*) FROM "generations"
              WHERE "user_id" = $2::uuid AND "status" IN ('queued', 'running')) < $15::int
       RETURNING *`,
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
        maxInFlight,
      ],
      tx,
    );
    return rows[0] ? toRow(rows[0]) : undefined;
  }

  /** Its job is in the tier queue: from now on a missing job means Redis lost it. */
  async markEnqueued(id: string): Promise<void> {
    await this.query(
      `UPDATE "generations" SET "enqueued_at" = now() FROM ${WITHOUT_FLUSH_WAIT}
       WHERE "id" = $1 AND "enqueued_at" IS NULL`,
      [id],
    );
  }

  async markRunning(id: string, startedAt: Date, attempt: number): Promise<boolean> {
    const { rows } = await this.modify(
      `UPDATE "generations" SET "status" = 'running', "started_at" = coalesce("started_at", $2),
         "attempts" = greatest("attempts", $3), "updated_at" = now()
       WHERE "id" = $1 AND "status" IN ('queued', 'running') RETURNING "id"`,
      [id, startedAt, attempt],
    );
    return rows.length === 1;
  }

  /**
   * Moves a generation to a final status; undefined when it was not in one of `from`. Every
   * final status passes here exactly once (the UPDATE is conditional).
   */
  async finish(id: string, f: Finish, tx?: Tx): Promise<GenerationRow | undefined> {
    const { rows } = await this.modify(
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
      tx,
    );
    return rows[0] ? toRow(rows[0]) : undefined;
  }

  /** Without the flush wait: a mark lost to a crash only makes the sweeper settle again (idempotent). */
  async markSettled(id: string, outcome: string): Promise<void> {
    await this.query(
      `UPDATE "generations" SET "settled_at" = now(), "settlement_outcome" = $2 FROM ${WITHOUT_FLUSH_WAIT}
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
    const rows = await this.query(
      `SELECT * FROM "generations" WHERE ${where} ORDER BY "created_at" DESC, "id" DESC LIMIT $2`,
      params,
    );
    return rows.map(toRow);
  }

  /**
   * One page of a user's generations for their data export, oldest first; `after` is the last
   * row of the previous page. Compared at the stored millisecond precision, so no row is skipped
   * or repeated between pages.
   */
  async exportPage(
    userId: string,
    limit: number,
    after?: { createdAt: string; id: string },
  ): Promise<GenerationRow[]> {
    const params: unknown[] = [userId, limit];
    let where = `"user_id" = $1`;
    if (after) {
      params.push(after.createdAt, after.id);
      where += ` AND (date_trunc('milliseconds', "created_at"), "id") > ($3::timestamptz, $4::uuid)`;
    }
    const rows = await this.query(
      `SELECT * FROM "generations" WHERE ${where}
       ORDER BY date_trunc('milliseconds', "created_at"), "id" LIMIT $2`,
      params,
    );
    return rows.map(toRow);
  }

  /** Every generation of a user, whatever its status (for the erasure of their account). */
  async allOf(userId: string): Promise<GenerationRow[]> {
    const rows = await this.query(`SELECT * FROM "generations" WHERE "user_id" = $1`, [userId]);
    return rows.map(toRow);
  }

  /**
   * Deletes the user's generations (their images go with them by the foreign key), under the
   * user's lock so a submit still in its transaction commits first. Answers how many.
   */
  async deleteAllOf(userId: string, tx: Tx): Promise<number> {
    await this.lockUser(userId, tx);
    const { count } = await this.modify(
      `DELETE FROM "generations" WHERE "user_id" = $1`,
      [userId],
      tx,
    );
    return count;
  }

  async unsettled(olderThanMs: number, limit = 100): Promise<string[]> {
    const rows = await this.query<{ id: string }>(
      `SELECT "id" FROM "generations" WHERE "settlement" IS NOT NULL AND "settled_at" IS NULL
         AND "updated_at" < now() - make_interval(secs => $1) ORDER BY "updated_at" LIMIT $2`,
      [olderThanMs / 1000, limit],
    );
    return rows.map((r) => r.id);
  }

  async inFlightOlderThan(ms: number, limit = 500): Promise<GenerationRow[]> {
    const rows = await this.query(
      `SELECT * FROM "generations" WHERE "status" IN ('queued', 'running')
         AND "updated_at" < now() - make_interval(secs => $1) ORDER BY "updated_at" LIMIT $2`,
      [ms / 1000, limit],
    );
    return rows.map(toRow);
  }

  /** Mean run time of recent successes per tier (for the wait estimate), in seconds. */
  async recentRunSeconds(): Promise<number | null> {
    const [{ avg }] = await this.query<{ avg: number | null }>(
      `SELECT avg(extract(epoch FROM "finished_at" - "started_at"))::float AS avg FROM (
         SELECT "finished_at", "started_at" FROM "generations"
         WHERE "status" = 'succeeded' AND "started_at" IS NOT NULL
         ORDER BY "finished_at" DESC LIMIT 50) recent`,
    );
    return avg === null ? null : Number(avg);
  }

  /** Distinct users who submitted a generation within each window (the `active_users` gauge). */
  async activeUsers(): Promise<Record<ActiveUserWindow, number> | undefined> {
    const counts = Object.entries(ACTIVE_USER_WINDOWS)
      .map(
        ([label, interval]) =>
          `count(DISTINCT "user_id") FILTER (WHERE "created_at" > now() - interval '${interval}')::int AS "${label}"`,
      )
      .join(', ');
    const [row] = await this.query<Record<ActiveUserWindow, number>>(
      `SELECT ${counts} FROM "generations" WHERE "created_at" > now() - interval '30 days'`,
    );
    return row;
  }
}
