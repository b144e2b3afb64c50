import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  API_KEY_MAX_LENGTH,
  API_KEY_PREFIX,
  ApiKeyVerifier,
  AppError,
  type AuthPrincipal,
} from '@pingvas/common';
import { IsNull, Repository } from 'typeorm';
import { hashToken, newOpaqueToken } from '../auth/opaque-token';
import { UserEntity } from '../users/user.entity';
import { ApiKeyEntity } from './api-key.entity';

export const MAX_ACTIVE_KEYS = 25;
const LAST_USED_GRANULARITY_MS = 5 * 60_000;

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
}

function view(key: ApiKeyEntity): ApiKeyView {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
  };
}

/** API keys: created and revoked by their owner, checked here for every service (over RPC). */
@Injectable()
export class ApiKeysService extends ApiKeyVerifier {
  constructor(
    @InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
  ) {
    super();
  }

  async create(userId: string, name: string): Promise<ApiKeyView & { secret: string }> {
    const active = await this.keys.countBy({ userId, revokedAt: IsNull() });
    if (active >= MAX_ACTIVE_KEYS) {
      throw new AppError(
        'CONFLICT',
        `At most ${MAX_ACTIVE_KEYS} API keys can be active; revoke one first`,
      );
    }
    const secret = newOpaqueToken(API_KEY_PREFIX);
    const key = this.keys.create({
      id: randomUUID(),
      userId,
      name: name.trim(),
      prefix: secret.slice(0, API_KEY_PREFIX.length + 6),
      keyHash: hashToken(secret),
      lastUsedAt: null,
      revokedAt: null,
    });
    await this.keys.insert(key);
    const saved = await this.keys.findOneByOrFail({ id: key.id });
    return { ...view(saved), secret };
  }

  async list(userId: string): Promise<ApiKeyView[]> {
    const keys = await this.keys.find({
      where: { userId, revokedAt: IsNull() },
      order: { createdAt: 'DESC' },
    });
    return keys.map(view);
  }

  /** Another user's key, or one already revoked, is NOT_FOUND. */
  async revoke(userId: string, id: string): Promise<void> {
    const result = await this.keys.update(
      { id, userId, revokedAt: IsNull() },
      { revokedAt: new Date() },
    );
    if (!result.affected) throw new AppError('NOT_FOUND', 'No such API key');
  }

  async verify(secret: string): Promise<AuthPrincipal | null> {
    if (!secret.startsWith(API_KEY_PREFIX) || secret.length > API_KEY_MAX_LENGTH) return null;
    const key = await this.keys.findOneBy({ keyHash: hashToken(secret), revokedAt: IsNull() });
    if (!key) return null;
    const user = await this.users.findOneBy({ id: key.userId });
    if (!user) return null;
    // Written at most every few minutes: verifying must not become a write per request.
    if (!key.lastUsedAt || key.lastUsedAt < new Date(Date.now() - LAST_USED_GRANULARITY_MS)) {
      await this.keys.update({ id: key.id }, { lastUsedAt: new Date() });
    }
    return { userId: user.id, role: user.role, via: 'api_key', credentialId: key.id };
  }
}
