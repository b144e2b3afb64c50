import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { SqlRepository, type Tx } from '@pingvas/database';
import { hashToken, newOpaqueToken } from './opaque-token';

export type RotationResult =
  | { outcome: 'rotated'; userId: string; familyId: string }
  | { outcome: 'reused'; userId: string; familyId: string }
  | { outcome: 'invalid' };

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
    const token = newOpaqueToken();
    await this.query(
      `INSERT INTO "refresh_tokens" ("id", "user_id", "family_id", "token_hash", "expires_at")
       VALUES ($1, $2, $3, $4, $5)`,
      [
        randomUUID(),
        userId,
        familyId,
        hashToken(token),
        new Date(Date.now() + ttlDays * 86_400_000),
      ],
      tx,
    );
    return token;
  }

  /**
   * Marks the token used. A token already used (or revoked with its family) was stolen or
   * replayed: the whole family is revoked, the newest token included.
   */
  async rotate(token: string, tx: Tx): Promise<RotationResult> {
    const hash = hashToken(token);
    const { rows: updated } = await this.modify<TokenRow>(
      `UPDATE "refresh_tokens" SET "rotated_at" = now()
        WHERE "token_hash" = $1 AND "rotated_at" IS NULL AND "revoked_at" IS NULL AND "expires_at" > now()
        RETURNING "user_id", "family_id"`,
      [hash],
      tx,
    );
    if (updated.length === 1)
      return { outcome: 'rotated', userId: updated[0].user_id, familyId: updated[0].family_id };

    const known = await this.findByHash(hash, tx);
    if (known?.rotated_at) {
      await this.revokeFamily(known.family_id, tx);
      return { outcome: 'reused', userId: known.user_id, familyId: known.family_id };
    }
    return { outcome: 'invalid' };
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

  private async findByHash(hash: Buffer, tx?: Tx): Promise<TokenRow | undefined> {
    const [row] = await this.query<TokenRow>(
      `SELECT "user_id", "family_id", "rotated_at" FROM "refresh_tokens" WHERE "token_hash" = $1`,
      [hash],
      tx,
    );
    return row;
  }
}
