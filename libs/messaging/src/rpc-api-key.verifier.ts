import { createHash } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import {
  API_KEY_MAX_LENGTH,
  ApiKeyVerifier,
  APP_CONFIG,
  type AuthPrincipal,
  type BaseConfig,
} from '@pingvas/common';
import { ApiKeyRevocations } from './api-key-revocations';
import { RpcClient } from './rpc-client';

const MAX_ENTRIES = 10_000;

interface CacheEntry {
  principal: AuthPrincipal | null;
  expiresAt: number;
}

/**
 * API keys checked by user-service over RPC (`user.apikeys.verify`). Answers, valid or not, are
 * cached for API_KEY_CACHE_MS (default 60 s), keyed by the key's hash so no secret is kept.
 * A revocation announced by user-service drops the key from the cache of every replica at once;
 * were the announcement lost, the key would still stop working within the cache time. A secret longer than any key is refused here,
 * unasked: user-service's RPC contract would refuse it as a malformed request, which the caller
 * would answer with 400 where a bad credential is 401.
 */
@Injectable()
export class RpcApiKeyVerifier extends ApiKeyVerifier implements OnApplicationBootstrap {
  private readonly cache = new Map<string, CacheEntry>();

  constructor(
    private readonly rpc: RpcClient,
    @Inject(APP_CONFIG) private readonly config: BaseConfig,
    private readonly revocations: ApiKeyRevocations,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    if (this.config.auth.apiKeyCacheMs > 0) this.revocations.listen((keyId) => this.forget(keyId));
  }

  /** Drops every cached answer for this key (one entry per secret hash; revocations are rare). */
  forget(keyId: string): void {
    for (const [id, entry] of this.cache) {
      if (entry.principal?.credentialId === keyId) this.cache.delete(id);
    }
  }

  async verify(secret: string): Promise<AuthPrincipal | null> {
    if (secret.length > API_KEY_MAX_LENGTH) return null;
    const id = createHash('sha256').update(secret).digest('hex');
    const cached = this.cache.get(id);
    if (cached && cached.expiresAt > Date.now()) return cached.principal;

    const answer = await this.rpc.send('user.apikeys.verify', { secret });
    const principal: AuthPrincipal | null = answer.valid
      ? { userId: answer.userId, role: answer.role, via: 'api_key', credentialId: answer.keyId }
      : null;
    this.remember(id, principal);
    return principal;
  }

  private remember(id: string, principal: AuthPrincipal | null): void {
    if (this.config.auth.apiKeyCacheMs === 0) return;
    this.cache.delete(id);
    if (this.cache.size >= MAX_ENTRIES) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(id, { principal, expiresAt: Date.now() + this.config.auth.apiKeyCacheMs });
  }
}
