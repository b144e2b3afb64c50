import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG } from '@pingvas/common';
import { RedisRevokedSessions } from '@pingvas/messaging';
import type { UserServiceConfig } from '../config';

/** Beyond the token's own lifetime: the guards accept 5 s of clock skew. */
const CLOCK_MARGIN_SECONDS = 60;

/**
 * Sign-ins closed here (their refresh tokens already revoked in the database) are written to
 * the revocation set, so their access tokens stop working on every service at once instead of
 * when they expire. An entry lives as long as such a token still could.
 */
@Injectable()
export class ClosedSignIns {
  private readonly logger = new Logger(ClosedSignIns.name);
  private readonly ttlSeconds: number;

  constructor(
    private readonly revoked: RedisRevokedSessions,
    @Inject(APP_CONFIG) config: UserServiceConfig,
  ) {
    this.ttlSeconds = config.tokens.accessTtlSeconds + CLOCK_MARGIN_SECONDS;
  }

  /**
   * For logout, whose whole point this is: a Redis outage fails it with 503 (logout is
   * idempotent, so the client's retry finishes the job).
   */
  close(sessionIds: readonly string[]): Promise<void> {
    return this.revoked.revoke(sessionIds, this.ttlSeconds);
  }

  /**
   * For a change that already stands (a reused refresh token, a new password): failing its
   * answer would only hide that it happened, so a Redis outage is logged instead.
   */
  async closeIfPossible(sessionIds: readonly string[]): Promise<void> {
    await this.revoked.revoke(sessionIds, this.ttlSeconds).catch((err: unknown) => {
      this.logger.error(
        { sessions: sessionIds.length, err: String(err) },
        'access tokens of closed sign-ins stay valid until they expire',
      );
    });
  }
}
