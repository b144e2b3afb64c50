import { Injectable } from '@nestjs/common';
import { SqlRepository, type Tx } from '@pingvas/database';

/** An API key for scripts: the secret is shown once; only its SHA-256 is kept. */
export interface ApiKey {
  id: string;
  userId: string;
  name: string;
  /** The first characters of the secret, so a user can tell keys apart. */
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

export interface NewApiKey {
  id: string;
  userId: string;
  name: string;
  prefix: string;
  keyHash: Buffer;
}

interface ApiKeyRow {
  id: string;
  user_id: string;
  name: string;
  prefix: string;
  created_at: Date;
  last_used_at: Date | null;
}

function toApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    prefix: row.prefix,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
  };
}

const COLUMNS = `"id", "user_id", "name", "prefix", "created_at", "last_used_at"`;

/** The `api_keys` table. A revoked key stays as a row (`revoked_at`) and is never active again. */
@Injectable()
export class ApiKeysRepository extends SqlRepository {
  async countActive(userId: string): Promise<number> {
    const [row] = await this.query<{ count: string }>(
      `SELECT count(*) AS "count" FROM "api_keys" WHERE "user_id" = $1 AND "revoked_at" IS NULL`,
      [userId],
    );
    return Number(row.count);
  }

  async insert(key: NewApiKey): Promise<ApiKey> {
    const [row] = await this.query<ApiKeyRow>(
      `INSERT INTO "api_keys" ("id", "user_id", "name", "prefix", "key_hash")
       VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
      [key.id, key.userId, key.name, key.prefix, key.keyHash],
    );
    return toApiKey(row);
  }

  /** The user's active keys, newest first. */
  async listActive(userId: string): Promise<ApiKey[]> {
    const rows = await this.query<ApiKeyRow>(
      `SELECT ${COLUMNS} FROM "api_keys" WHERE "user_id" = $1 AND "revoked_at" IS NULL
        ORDER BY "created_at" DESC`,
      [userId],
    );
    return rows.map(toApiKey);
  }

  /** False when the user has no such active key. */
  async revoke(userId: string, id: string): Promise<boolean> {
    const { count } = await this.modify(
      `UPDATE "api_keys" SET "revoked_at" = now()
        WHERE "id" = $1 AND "user_id" = $2 AND "revoked_at" IS NULL`,
      [id, userId],
    );
    return count > 0;
  }

  async findActiveByHash(keyHash: Buffer): Promise<ApiKey | null> {
    const [row] = await this.query<ApiKeyRow>(
      `SELECT ${COLUMNS} FROM "api_keys" WHERE "key_hash" = $1 AND "revoked_at" IS NULL`,
      [keyHash],
    );
    return row ? toApiKey(row) : null;
  }

  async markUsed(id: string): Promise<void> {
    await this.modify(`UPDATE "api_keys" SET "last_used_at" = now() WHERE "id" = $1`, [id]);
  }

  /** The ids of the user's keys not yet revoked (account deletion announces them revoked). */
  async activeIdsOf(userId: string, tx: Tx): Promise<string[]> {
    const rows = await this.query<Pick<ApiKeyRow, 'id'>>(
      `SELECT "id" FROM "api_keys" WHERE "user_id" = $1 AND "revoked_at" IS NULL`,
      [userId],
      tx,
    );
    return rows.map((r) => r.id);
  }

  /** Account deletion: every key of the user, revoked or not. */
  async deleteAllOf(userId: string, tx: Tx): Promise<void> {
    await this.modify(`DELETE FROM "api_keys" WHERE "user_id" = $1`, [userId], tx);
  }
}
