import { Injectable } from '@nestjs/common';
import { SqlRepository, type Tx } from '@pingvas/database';

export type EmailTokenPurpose = 'verify-email' | 'password-reset';

export interface NewEmailToken {
  id: string;
  userId: string;
  purpose: EmailTokenPurpose;
  tokenHash: Buffer;
  expiresAt: Date;
}

/** What consuming a token tells: whose it was, or why it could not be used. */
export type ConsumedEmailToken =
  { ok: true; id: string; userId: string } | { ok: false; reason: 'invalid' | 'expired' };

/** The `email_tokens` table: single-use tokens sent by mail, kept only as their SHA-256. */
@Injectable()
export class EmailTokensRepository extends SqlRepository {
  async insert(token: NewEmailToken, tx?: Tx): Promise<void> {
    await this.query(
      `INSERT INTO "email_tokens" ("id", "user_id", "purpose", "token_hash", "expires_at")
       VALUES ($1, $2, $3, $4, $5)`,
      [token.id, token.userId, token.purpose, token.tokenHash, token.expiresAt],
      tx,
    );
  }

  /** Marks the user's unused tokens of `purpose` used, so only a newer one works. */
  async invalidateUnused(userId: string, purpose: EmailTokenPurpose, tx?: Tx): Promise<void> {
    await this.modify(
      `UPDATE "email_tokens" SET "used_at" = now()
        WHERE "user_id" = $1 AND "purpose" = $2 AND "used_at" IS NULL`,
      [userId, purpose],
      tx,
    );
  }

  /**
   * One conditional UPDATE: of two concurrent uses of the same token only one gets the row,
   * so a token works once. An unused but expired token is told apart for a clearer error.
   */
  async consume(
    tokenHash: Buffer,
    purpose: EmailTokenPurpose,
    tx?: Tx,
  ): Promise<ConsumedEmailToken> {
    const { rows } = await this.modify<{ id: string; user_id: string }>(
      `UPDATE "email_tokens" SET "used_at" = now()
        WHERE "token_hash" = $1 AND "purpose" = $2 AND "used_at" IS NULL AND "expires_at" > now()
        RETURNING "id", "user_id"`,
      [tokenHash, purpose],
      tx,
    );
    const [row] = rows;
    if (row) return { ok: true, id: row.id, userId: row.user_id };
    const [expired] = await this.query<{ id: string }>(
      `SELECT "id" FROM "email_tokens"
        WHERE "token_hash" = $1 AND "purpose" = $2 AND "used_at" IS NULL AND "expires_at" <= now()`,
      [tokenHash, purpose],
      tx,
    );
    return { ok: false, reason: expired ? 'expired' : 'invalid' };
  }
}
