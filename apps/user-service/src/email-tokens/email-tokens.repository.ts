import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { SqlRepository, type Tx } from '@pingvas/database';
import { hashToken, newOpaqueToken } from '../auth/opaque-token';

/**
 * What a mailed token proves: the address of the account (`verify-email`), the right to set a
 * new password (`password-reset`), or a new address the user asked for (`email-change`).
 */
export type EmailTokenPurpose = 'verify-email' | 'password-reset' | 'email-change';

export interface IssuedEmailToken {
  id: string;
  /** The secret for the link; only its SHA-256 is stored. */
  token: string;
  expiresAt: Date;
}

/** What consuming a token tells: whose it was, or why it could not be used. */
export type ConsumedEmailToken =
  | {
      ok: true;
      id: string;
      userId: string;
      purpose: EmailTokenPurpose;
      /** The address to change to (`email-change` only). */
      newEmail: string | null;
    }
  | { ok: false; reason: 'invalid' | 'expired' };

/** The `email_tokens` table: single-use tokens sent by mail, kept only as their SHA-256. */
@Injectable()
export class EmailTokensRepository extends SqlRepository {
  /** A new token of `purpose`, valid `ttlMs`; `newEmail` with `email-change` only. */
  async issue(
    userId: string,
    purpose: EmailTokenPurpose,
    ttlMs: number,
    tx: Tx,
    newEmail: string | null = null,
  ): Promise<IssuedEmailToken> {
    const id = randomUUID();
    const token = newOpaqueToken();
    const expiresAt = new Date(Date.now() + ttlMs);
    await this.query(
      `INSERT INTO "email_tokens" ("id", "user_id", "purpose", "token_hash", "expires_at", "new_email")
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [id, userId, purpose, hashToken(token), expiresAt, newEmail],
      tx,
    );
    return { id, token, expiresAt };
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
   * A token of another purpose than those accepted is invalid here.
   */
  async consume(
    token: string,
    purposes: readonly EmailTokenPurpose[],
    tx: Tx,
  ): Promise<ConsumedEmailToken> {
    const tokenHash = hashToken(token);
    const { rows } = await this.modify<{
      id: string;
      user_id: string;
      purpose: EmailTokenPurpose;
      new_email: string | null;
    }>(
      `UPDATE "email_tokens" SET "used_at" = now()
        WHERE "token_hash" = $1 AND "purpose" = ANY($2::text[]) AND "used_at" IS NULL
          AND "expires_at" > now()
        RETURNING "id", "user_id", "purpose", "new_email"`,
      [tokenHash, purposes],
      tx,
    );
    const [row] = rows;
    if (row) {
      return {
        ok: true,
        id: row.id,
        userId: row.user_id,
        purpose: row.purpose,
        newEmail: row.new_email,
      };
    }
    const [expired] = await this.query<{ id: string }>(
      `SELECT "id" FROM "email_tokens"
        WHERE "token_hash" = $1 AND "purpose" = ANY($2::text[]) AND "used_at" IS NULL
          AND "expires_at" <= now()`,
      [tokenHash, purposes],
      tx,
    );
    return { ok: false, reason: expired ? 'expired' : 'invalid' };
  }

  /** The address the user asked to change to and has not confirmed yet; null when none. */
  async pendingEmailOf(userId: string, tx?: Tx): Promise<string | null> {
    const [row] = await this.query<{ new_email: string }>(
      `SELECT "new_email" FROM "email_tokens"
        WHERE "user_id" = $1 AND "purpose" = 'email-change' AND "used_at" IS NULL
          AND "expires_at" > now()
        ORDER BY "created_at" DESC LIMIT 1`,
      [userId],
      tx,
    );
    return row?.new_email ?? null;
  }

  /** Every address the user asked to change to: mail to them names the user too. */
  async requestedAddressesOf(userId: string, tx: Tx): Promise<string[]> {
    const rows = await this.query<{ new_email: string }>(
      `SELECT DISTINCT "new_email" FROM "email_tokens"
        WHERE "user_id" = $1 AND "new_email" IS NOT NULL`,
      [userId],
      tx,
    );
    return rows.map((r) => r.new_email);
  }

  /** Deletes up to `limit` tokens used or expired before `before` (whichever came first); how many. */
  pruneSpent(before: Date, limit: number): Promise<number> {
    return this.deleteBatch('email_tokens', `LEAST("expires_at", "used_at") < $1`, before, limit);
  }

  async deleteAllOf(userId: string, tx: Tx): Promise<void> {
    await this.modify(`DELETE FROM "email_tokens" WHERE "user_id" = $1`, [userId], tx);
  }
}
