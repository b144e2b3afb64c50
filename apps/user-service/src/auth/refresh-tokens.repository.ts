import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { SqlRepository, type Tx } from '@pingvas/database';
import { hashToken, newOpaqueToken } from './opaque-token';

export type RotationResult =
  | { outcome: 'rotated'; userId: string; familyId: string; next: string }
  | { outcome: 'reused'; userId: string; familyId: string }
  | { outcome: 'invalid' };

export interface RotationRules {
  ttlDays: number;
  /** Seconds after a rotation in which the old token may be presented again, see below. */
  reuseGraceSeconds: number;
}

interface PresentedRow {
  id: string;
  user_id: string;
  family_id: string;
  replaced_by: string | null;
  rotated: boolean;
  live: boolean;
  in_grace: boolean;
}

interface TokenRow {
  user_id: string;
  family_id: string;
  rotated_at: Date | null;
}

/**
 * The `refresh_tokens` table: one row per token, stored as its SHA-256 only. Tokens of one
 * sign-in form a family: each refresh rotates to a new member; presenting a rotated one revokes
 * the whole family. Every state change is one conditional UPDATE, so races are safe.
 */
@Injectable()
export class RefreshTokensRepository extends SqlRepository {
  async issue(userId: string, familyId: string, ttlDays: number, tx?: Tx): Promise<string> {
    return (await this.insert(userId, familyId, ttlDays, tx)).token;
  }

  /**
   * Spends the token for a new one of its family. A token already spent was stolen or replayed:
   * the whole family is revoked, the newest token included. One replay is forgiven: within
   * `reuseGraceSeconds` of the rotation, while the successor has never been used, the browser
   * most likely lost the answer (a reload cut it off), so the unused successor is revoked and a
   * new one issued in its place. The row is locked, so concurrent presentations queue up.
   */
  async rotate(token: string, rules: RotationRules, tx: Tx): Promise<RotationResult> {
    const [presented] = await this.query<PresentedRow>(
      `SELECT "id", "user_id", "family_id", "replaced_by",
              "rotated_at" IS NOT NULL AS "rotated",
              "revoked_at" IS NULL AND "expires_at" > now() AS "live",
              "rotated_at" > now() - make_interval(secs => $2) AS "in_grace"
         FROM "refresh_tokens" WHERE "token_hash" = $1
          FOR UPDATE`,
      [hashToken(token), rules.reuseGraceSeconds],
      tx,
    );
    if (!presented) return { outcome: 'invalid' };
    const family = { userId: presented.user_id, familyId: presented.family_id };
    if (!presented.rotated) {
      if (!presented.live) return { outcome: 'invalid' };
      return { outcome: 'rotated', ...family, next: await this.replace(presented, rules, tx) };
    }
    if (
      presented.live &&
      presented.in_grace &&
      (await this.revokeUnused(presented.replaced_by, tx))
    )
      return { outcome: 'rotated', ...family, next: await this.replace(presented, rules, tx) };
    await this.revokeFamily(presented.family_id, tx);
    return { outcome: 'reused', ...family };
  }

  /** Issues the successor of `presented` and records it as spent for that one. */
  private async replace(presented: PresentedRow, rules: RotationRules, tx: Tx): Promise<string> {
    const next = await this.insert(presented.user_id, presented.family_id, rules.ttlDays, tx);
    await this.modify(
      `UPDATE "refresh_tokens" SET "rotated_at" = now(), "replaced_by" = $2 WHERE "id" = $1`,
      [presented.id, next.id],
      tx,
    );
    return next.token;
  }

  private async insert(
    userId: string,
    familyId: string,
    ttlDays: number,
    tx?: Tx,
  ): Promise<{ id: string; token: string }> {
    const id = randomUUID();
    const token = newOpaqueToken();
    await this.query(
      `INSERT INTO "refresh_tokens" ("id", "user_id", "family_id", "token_hash", "expires_at")
       VALUES ($1, $2, $3, $4, $5)`,
      [id, userId, familyId, hashToken(token), new Date(Date.now() + ttlDays * 86_400_000)],
      tx,
    );
    return { id, token };
  }

  /** Revokes the successor only if it was never used; whether it did. */
  private async revokeUnused(successorId: string | null, tx: Tx): Promise<boolean> {
    if (!successorId) return false;
    const { rows } = await this.modify<{ id: string }>(
      `UPDATE "refresh_tokens" SET "revoked_at" = now()
        WHERE "id" = $1 AND "rotated_at" IS NULL AND "revoked_at" IS NULL
        RETURNING "id"`,
      [successorId],
      tx,
    );
    return rows.length === 1;
  }

  async revokeFamily(familyId: string, tx?: Tx): Promise<void> {
    await this.modify(
      `UPDATE "refresh_tokens" SET "revoked_at" = now()
        WHERE "family_id" = $1 AND "revoked_at" IS NULL`,
      [familyId],
      tx,
    );
  }

  /** Logout: the family of this token, whatever state the token is in; its id, if known. */
  async revokeFamilyOf(token: string): Promise<string | undefined> {
    const known = await this.findByHash(hashToken(token));
    if (known) await this.revokeFamily(known.family_id);
    return known?.family_id;
  }

  /** After a password change: every sign-in of the user but `keepFamilyId`; the ids it closed. */
  async revokeAllOf(userId: string, keepFamilyId?: string): Promise<string[]> {
    const { rows: closed } = await this.modify<Pick<TokenRow, 'family_id'>>(
      `UPDATE "refresh_tokens" SET "revoked_at" = now()
        WHERE "user_id" = $1 AND "revoked_at" IS NULL AND ($2::uuid IS NULL OR "family_id" <> $2::uuid)
        RETURNING "family_id"`,
      [userId, keepFamilyId ?? null],
    );
    return [...new Set(closed.map((r) => r.family_id))];
  }

  /** Every sign-in of the user, closed or not: an access token of any may still be alive. */
  async familiesOf(userId: string, tx: Tx): Promise<string[]> {
    const rows = await this.query<Pick<TokenRow, 'family_id'>>(
      `SELECT DISTINCT "family_id" FROM "refresh_tokens" WHERE "user_id" = $1`,
      [userId],
      tx,
    );
    return rows.map((r) => r.family_id);
  }

  /** Account deletion: every token of the user. */
  async deleteAllOf(userId: string, tx: Tx): Promise<void> {
    await this.modify(`DELETE FROM "refresh_tokens" WHERE "user_id" = $1`, [userId], tx);
  }

  /**
   * Deletes up to `limit` tokens that expired before `before`; how many. A token is refused
   * once expired, so its row only still tells a replay apart until then (see `rotate`).
   */
  pruneExpired(before: Date, limit: number): Promise<number> {
    return this.deleteBatch('refresh_tokens', `"expires_at" < $1`, before, limit);
  }

  private async findByHash(hash: Buffer, tx?: Tx): Promise<TokenRow | undefined> {
    const [row] = await this.query<TokenRow>(
      `SELECT "user_id", "family_id", "rotated_at" FROM "refresh_tokens" WHERE "token_hash" = $1`,
      [hash],
      tx,
    );
    return row;
  }
}
