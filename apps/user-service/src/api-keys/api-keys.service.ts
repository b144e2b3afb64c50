import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  API_KEY_MAX_LENGTH,
  API_KEY_PREFIX,
  ApiKeyVerifier,
  AppError,
  type AuthPrincipal,
} from '@pingvas/common';
import { ApiKeyRevocations } from '@pingvas/messaging';
import { hashToken, newOpaqueToken } from '../auth/opaque-token';
import { UsersRepository } from '../users/users.repository';
import { type ApiKey, ApiKeysRepository } from './api-keys.repository';

export const MAX_ACTIVE_KEYS = 25;
const LAST_USED_GRANULARITY_MS = 5 * 60_000;

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
}

function view(key: ApiKey): ApiKeyView {
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
    private readonly keys: ApiKeysRepository,
    private readonly users: UsersRepository,
    private readonly revocations: ApiKeyRevocations,
  ) {
    super();
  }

  /** Only for a proven address (DESIGN §16): keys run up usage that must reach someone. */
  async create(userId: string, name: string): Promise<ApiKeyView & { secret: string }> {
    const owner = await this.users.findById(userId);
    if (!owner) throw new AppError('NOT_FOUND', 'No such user');
    if (!owner.emailVerifiedAt) {
      throw new AppError(
        'EMAIL_NOT_VERIFIED',
        'Verify your email address first (follow the link we mailed you)',
      );
    }
    const active = await this.keys.countActive(userId);
    if (active >= MAX_ACTIVE_KEYS) {
      throw new AppError(
        'CONFLICT',
        `At most ${MAX_ACTIVE_KEYS} API keys can be active; revoke one first`,
      );
    }
    const secret = newOpaqueToken(API_KEY_PREFIX);
    const saved = await this.keys.insert({
      id: randomUUID(),
      userId,
      name: name.trim(),
      prefix: secret.slice(0, API_KEY_PREFIX.length + 6),
      keyHash: hashToken(secret),
    });
    return { ...view(saved), secret };
  }

  async list(userId: string): Promise<ApiKeyView[]> {
    return (await this.keys.listActive(userId)).map(view);
  }

  /** Another user's key, or one already revoked, is NOT_FOUND. */
  async revoke(userId: string, id: string): Promise<void> {
    if (!(await this.keys.revoke(userId, id))) throw new AppError('NOT_FOUND', 'No such API key');
    await this.revocations.announce(id);
  }

  async verify(secret: string): Promise<AuthPrincipal | null> {
    if (!secret.startsWith(API_KEY_PREFIX) || secret.length > API_KEY_MAX_LENGTH) return null;
    const key = await this.keys.findActiveByHash(hashToken(secret));
    if (!key) return null;
    const user = await this.users.findById(key.userId);
    if (!user) return null;
    // Written at most every few minutes: verifying must not become a write per request.
    if (!key.lastUsedAt || key.lastUsedAt < new Date(Date.now() - LAST_USED_GRANULARITY_MS)) {
      await this.keys.markUsed(key.id);
    }
    return { userId: user.id, role: user.role, via: 'api_key', credentialId: key.id };
  }
}
