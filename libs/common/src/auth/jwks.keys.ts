import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { createRemoteJWKSet, type JWK } from 'jose';
import { APP_CONFIG } from '../config/config.tokens';
import type { BaseConfig } from '../config/env';
import { AppError } from '../errors/app-error';
import { VerificationKeys } from './ports';

const REFRESH_COOLDOWN_MS = 10_000;
/** With keys known, a failed fetch is tried again after this (an unknown kid may be new). */
const RETRY_AFTER_FAILURE_MS = 1000;
const FETCH_TIMEOUT_MS = 3000;

/**
 * The public keys user-service publishes at `/.well-known/jwks.json`, cached in memory.
 * jose's remote key set fetches them (deadline, status, JSON, one fetch at a time); the policy
 * is ours: an unknown `kid` triggers a refetch (at most one per cooldown, so forged kids cannot
 * flood user-service); a failed fetch keeps the keys already known, so tokens keep verifying
 * while user-service is down; with no key ever loaded the answer is 503, never 401.
 */
@Injectable()
export class JwksKeys extends VerificationKeys implements OnApplicationBootstrap {
  private readonly logger = new Logger(JwksKeys.name);
  private readonly remote: ReturnType<typeof createRemoteJWKSet>;
  private keys = new Map<string, JWK>();
  private nextFetchAt = 0;

  constructor(@Inject(APP_CONFIG) config: BaseConfig) {
    super();
    this.remote = createRemoteJWKSet(new URL(config.auth.jwksUrl), {
      timeoutDuration: FETCH_TIMEOUT_MS,
      headers: { accept: 'application/json' },
    });
  }

  onApplicationBootstrap(): void {
    void this.refresh().catch((err: unknown) =>
      this.logger.warn(`JWKS not loaded yet: ${String(err)}`),
    );
  }

  async find(kid: string): Promise<JWK | undefined> {
    const known = this.keys.get(kid);
    if (known) return known;
    // With no key known yet (user-service started after us), every call tries: none waits out a cooldown.
    if (this.keys.size === 0 || Date.now() >= this.nextFetchAt) {
      try {
        await this.refresh();
      } catch (err) {
        if (this.keys.size === 0) {
          this.logger.warn(`JWKS could not be fetched: ${String(err)}`);
          throw new AppError('UPSTREAM_UNAVAILABLE', 'Access tokens cannot be checked right now');
        }
        this.logger.warn(
          `JWKS refresh failed, keeping ${this.keys.size} known keys: ${String(err)}`,
        );
      }
    }
    return this.keys.get(kid);
  }

  private async refresh(): Promise<void> {
    this.nextFetchAt = Date.now() + RETRY_AFTER_FAILURE_MS;
    await this.remote.reload(); // jose shares one fetch among concurrent callers
    const keys = (this.remote.jwks()?.keys ?? []).filter(
      (k): k is JWK & { kid: string } => typeof k.kid === 'string',
    );
    if (keys.length === 0) throw new Error('JWKS holds no keys');
    this.keys = new Map(keys.map((k) => [k.kid, k]));
    this.nextFetchAt = Date.now() + REFRESH_COOLDOWN_MS;
  }
}
