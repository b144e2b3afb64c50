import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { SqlRepository, type Tx } from '@pingvas/database';

export interface ExportRow {
  id: string;
  userId: string;
  status: 'pending' | 'ready';
  createdAt: Date;
  readyAt: Date | null;
  expiresAt: Date | null;
}

interface Row {
  id: string;
  user_id: string;
  status: 'pending' | 'ready';
  created_at: Date;
  ready_at: Date | null;
  expires_at: Date | null;
}

function toExport(row: Row): ExportRow {
  return {
    id: row.id,
    userId: row.user_id,
    status: row.status,
    createdAt: row.created_at,
    readyAt: row.ready_at,
    expiresAt: row.expires_at,
  };
}

/** The `exports` table: one row per export asked for; the zip itself is in the blob store. */
@Injectable()
export class ExportsRepository extends SqlRepository {
  /** A pending export of the user younger than `windowMs`, if any (the caller locks the user). */
  async runningOf(userId: string, windowMs: number, tx: Tx): Promise<ExportRow | null> {
    const [row] = await this.query<Row>(
      `SELECT * FROM "exports"
        WHERE "user_id" = $1 AND "status" = 'pending'
          AND "created_at" > now() - make_interval(secs => $2)
        ORDER BY "created_at" DESC LIMIT 1`,
      [userId, windowMs / 1000],
      tx,
    );
    return row ? toExport(row) : null;
  }

  async insert(userId: string, tx: Tx): Promise<ExportRow> {
    const [row] = await this.query<Row>(
      `INSERT INTO "exports" ("id", "user_id") VALUES ($1, $2) RETURNING *`,
      [randomUUID(), userId],
      tx,
    );
    return toExport(row);
  }

  /** The zip is stored: ready, valid `ttlHours` from now; null when no such export of the user. */
  async markReady(id: string, userId: string, ttlHours: number): Promise<ExportRow | null> {
    const { rows } = await this.modify<Row>(
      `UPDATE "exports" SET "status" = 'ready', "ready_at" = now(),
              "expires_at" = date_trunc('second', now()) + make_interval(hours => $3)
        WHERE "id" = $1 AND "user_id" = $2
        RETURNING *`,
      [id, userId, ttlHours],
    );
    const [row] = rows;
    return row ? toExport(row) : null;
  }

  async findById(id: string): Promise<ExportRow | null> {
    const [row] = await this.query<Row>(`SELECT * FROM "exports" WHERE "id" = $1`, [id]);
    return row ? toExport(row) : null;
  }

  /** Deletes up to `limit` exports whose link expired before `before`; how many. */
  pruneExpired(before: Date, limit: number): Promise<number> {
    return this.deleteBatch('exports', `"expires_at" < $1`, before, limit);
  }

  /** Account deletion: every export row of the user. */
  async deleteAllOf(userId: string, tx: Tx): Promise<void> {
    await this.modify(`DELETE FROM "exports" WHERE "user_id" = $1`, [userId], tx);
  }
}
