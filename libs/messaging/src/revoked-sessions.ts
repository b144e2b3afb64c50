import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_CONFIG, AppError, type BaseConfig, RevokedSessions } from '@pingvas/common';
import Redis from 'ioredis';
import { reconnectDelay, redisOptionsFromUrl } from './redis-options';

/** How long one check may wait for Redis before the request goes on without it. */
const CHECK_TIMEOUT_MS = 500;
const WARN_EVERY_MS = 10_000;

/**
 * The revocation set: one Redis key per closed sign-in (`<namespace>:revoked-sid:<sid>`),
 * written by user-service and read by the guard of every service with one EXISTS per request.
 * An entry lives as long as the longest access token of that sign-in could, then expires by
 * itself: the set never holds more than the sign-ins closed within one token lifetime.
 *
 * A check fails OPEN (the token is taken as not revoked) when Redis cannot answer in time.
 * Failing closed would turn a Redis outage into 503s for every signed-in request, reads of
 * PostgreSQL included, while what fails open is bounded: a signed-out token keeps working only
 * while Redis is away and only until it expires (ACCESS_TOKEN_TTL_SECONDS, 15 minutes), which
 * is exactly what every token could do before revocation existed.
 */
@Injectable()
export class RedisRevokedSessions
  extends RevokedSessions
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger(RedisRevokedSessions.name);
  private readonly redis: Redis;
  private readonly prefix: string;
  private lastWarnAt = 0;

  constructor(@Inject(APP_CONFIG) config: BaseConfig) {
    super();
    this.prefix = `${config.rpc.namespace}:revoked-sid:`;
    this.redis = new Redis({
      ...redisOptionsFromUrl(config.redis.url),
      retryStrategy: reconnectDelay,
      lazyConnect: true,
      // A check waits for a connection being made, never longer than this, and is not retried.
      commandTimeout: CHECK_TIMEOUT_MS,
      maxRetriesPerRequest: 0,
      // One EXISTS per signed-in request: those issued in the same tick go out as one write.
      enableAutoPipelining: true,
    });
    this.redis.on('error', () => undefined);
  }

  onApplicationBootstrap(): void {
    void this.redis.connect().catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  async isRevoked(sessionId: string): Promise<boolean> {
    // Known to be away: go on at once rather than make every request wait for the timeout.
    if (this.redis.status === 'reconnecting' || this.redis.status === 'end') {
      this.warn('Redis is away');
      return false;
    }
    try {
      return (await this.redis.exists(this.prefix + sessionId)) === 1;
    } catch (err) {
      this.warn(String(err));
      return false;
    }
  }

  /**
   * Closes sign-ins for every service at once; `ttlSeconds` is the longest an access token of
   * theirs can still live. Throws UPSTREAM_UNAVAILABLE when Redis cannot take it (the caller
   * decides whether that fails the request).
   */
  async revoke(sessionIds: readonly string[], ttlSeconds: number): Promise<void> {
    if (sessionIds.length === 0) return;
    const batch = this.redis.multi();
    for (const id of new Set(sessionIds)) batch.set(this.prefix + id, '1', 'EX', ttlSeconds);
    try {
      const answers = await batch.exec();
      const failed = answers?.find(([err]) => err !== null);
      if (!answers || failed) throw failed?.[0] ?? new Error('the transaction was discarded');
    } catch (err) {
      this.logger.warn(`could not revoke ${sessionIds.length} sign-in(s): ${String(err)}`);
      throw new AppError('UPSTREAM_UNAVAILABLE', 'The sign-in could not be closed everywhere');
    }
  }

  private warn(reason: string): void {
    if (Date.now() - this.lastWarnAt < WARN_EVERY_MS) return;
    this.lastWarnAt = Date.now();
    this.logger.warn(`revoked sign-ins unchecked (fail open): ${reason}`);
  }
}
