import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, IsNull, Repository } from 'typeorm';
import { hashToken, newOpaqueToken } from './opaque-token';
import { RefreshTokenEntity } from './refresh-token.entity';

export type RotationResult =
  | { outcome: 'rotated'; userId: string; familyId: string }
  | { outcome: 'reused'; userId: string; familyId: string }
  | { outcome: 'invalid' };

/** Refresh tokens by family; every state change is one conditional UPDATE, so races are safe. */
@Injectable()
export class RefreshTokensRepository {
  constructor(
    @InjectRepository(RefreshTokenEntity) private readonly tokens: Repository<RefreshTokenEntity>,
  ) {}

  async issue(
    userId: string,
    familyId: string,
    ttlDays: number,
    manager?: EntityManager,
  ): Promise<string> {
    const token = newOpaqueToken();
    const repo = manager?.getRepository(RefreshTokenEntity) ?? this.tokens;
    await repo.insert({
      id: randomUUID(),
      userId,
      familyId,
      tokenHash: hashToken(token),
      expiresAt: new Date(Date.now() + ttlDays * 86_400_000),
      rotatedAt: null,
      revokedAt: null,
    });
    return token;
  }

  /**
   * Marks the token used. A token already used (or revoked with its family) was stolen or
   * replayed: the whole family is revoked, the newest token included.
   */
  async rotate(token: string, manager: EntityManager): Promise<RotationResult> {
    const hash = hashToken(token);
    // TypeORM answers an UPDATE ... RETURNING with [rows, affected count].
    const [updated]: [{ user_id: string; family_id: string }[], number] = await manager.query(
      `UPDATE "refresh_tokens" SET "rotated_at" = now()
        WHERE "token_hash" = $1 AND "rotated_at" IS NULL AND "revoked_at" IS NULL AND "expires_at" > now()
        RETURNING "user_id", "family_id"`,
      [hash],
    );
    if (updated.length === 1)
      return { outcome: 'rotated', userId: updated[0].user_id, familyId: updated[0].family_id };

    const known = await manager.getRepository(RefreshTokenEntity).findOneBy({ tokenHash: hash });
    if (known?.rotatedAt) {
      await this.revokeFamily(known.familyId, manager);
      return { outcome: 'reused', userId: known.userId, familyId: known.familyId };
    }
    return { outcome: 'invalid' };
  }

  async revokeFamily(familyId: string, manager?: EntityManager): Promise<void> {
    const repo = manager?.getRepository(RefreshTokenEntity) ?? this.tokens;
    await repo.update({ familyId, revokedAt: IsNull() }, { revokedAt: new Date() });
  }

  /** Logout: the family of this token, whatever state the token is in; its id, if known. */
  async revokeFamilyOf(token: string): Promise<string | undefined> {
    const known = await this.tokens.findOneBy({ tokenHash: hashToken(token) });
    if (known) await this.revokeFamily(known.familyId);
    return known?.familyId;
  }

  /** After a password change: every sign-in of the user but `keepFamilyId`; the ids it closed. */
  async revokeAllOf(userId: string, keepFamilyId?: string): Promise<string[]> {
    // TypeORM answers an UPDATE ... RETURNING with [rows, affected count].
    const [closed]: [{ family_id: string }[], number] = await this.tokens.query(
      `UPDATE "refresh_tokens" SET "revoked_at" = now()
        WHERE "user_id" = $1 AND "revoked_at" IS NULL AND ($2::uuid IS NULL OR "family_id" <> $2::uuid)
        RETURNING "family_id"`,
      [userId, keepFamilyId ?? null],
    );
    return [...new Set(closed.map((r) => r.family_id))];
  }
}
