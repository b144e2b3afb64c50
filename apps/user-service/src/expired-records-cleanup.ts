import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Logger } from '@nestjs/common';
import { APP_CONFIG } from '@pingvas/common';
import { QueueNames, ScheduledJobNames } from '@pingvas/contracts';
import { JobConsumer, OnJob, type Schedule, ScheduledConsumer } from '@pingvas/messaging';
import type { Queue } from 'bullmq';
import { RefreshTokensRepository } from './auth/refresh-tokens.repository';
import type { UserServiceConfig } from './config';
import { EmailTokensRepository } from './email-tokens/email-tokens.repository';
import { ExportsRepository } from './exports/exports.repository';

const DAY_MS = 86_400_000;

/** Rows per DELETE: each batch is its own short statement, so locks and WAL stay small. */
export const PRUNE_BATCH = 1000;

/**
 * A refresh token is kept a day past its expiry. Until it expires, a replay of a rotated one
 * must find its row to revoke the family; after that the token is refused whatever its row
 * says. (Its sign-in outlives every access token it issued, at most an hour, by days, so
 * account deletion still finds the sign-ins whose access tokens may be alive.)
 */
export const REFRESH_TOKEN_KEEP_MS = DAY_MS;

/**
 * A mailed token is kept a week past its use or expiry: account deletion reads the addresses
 * a user asked to change to from these rows to purge the outbox mail naming them, and relayed
 * outbox rows stay RELAYED_RETENTION_HOURS (48).
 */
export const EMAIL_TOKEN_KEEP_MS = 7 * DAY_MS;

/** An export row is kept a day past its link's expiry (its link answers 404 either way). */
export const EXPORT_KEEP_MS = DAY_MS;

export interface PrunedRecords {
  refreshTokens: number;
  emailTokens: number;
  exports: number;
}

/**
 * `user-maintenance`, on a timer (one scheduler entry however many replicas run): refresh
 * tokens (a row per refresh, kept for reuse detection), mailed tokens and export rows are
 * deleted once long past their life, in batches. Every step is idempotent.
 */
@JobConsumer(QueueNames.userMaintenance)
export class ExpiredRecordsCleanup extends ScheduledConsumer {
  protected readonly logger = new Logger(ExpiredRecordsCleanup.name);

  constructor(
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly emailTokens: EmailTokensRepository,
    private readonly exports: ExportsRepository,
    @InjectQueue(QueueNames.userMaintenance) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: UserServiceConfig,
  ) {
    super();
  }

  protected schedule(): Schedule {
    return {
      queue: this.queue,
      name: ScheduledJobNames.pruneAccountRecords,
      everyMs: this.config.maintenance.intervalMs,
    };
  }

  // A missed run is harmless (the next one catches up), so it does not wait for the database.
  @OnJob(QueueNames.userMaintenance, ScheduledJobNames.pruneAccountRecords, {
    waitForDatabase: false,
  })
  async prune(): Promise<PrunedRecords> {
    const now = Date.now();
    const before = (keepMs: number) => new Date(now - keepMs);
    const pruned = {
      refreshTokens: await inBatches((limit) =>
        this.refreshTokens.pruneExpired(before(REFRESH_TOKEN_KEEP_MS), limit),
      ),
      emailTokens: await inBatches((limit) =>
        this.emailTokens.pruneSpent(before(EMAIL_TOKEN_KEEP_MS), limit),
      ),
      exports: await inBatches((limit) => this.exports.pruneExpired(before(EXPORT_KEEP_MS), limit)),
    };
    if (pruned.refreshTokens + pruned.emailTokens + pruned.exports > 0)
      this.logger.log(pruned, 'expired tokens and export rows removed');
    return pruned;
  }
}

/** Runs `deleteBatch` until a batch comes back short; how many rows it deleted in all. */
async function inBatches(deleteBatch: (limit: number) => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await deleteBatch(PRUNE_BATCH);
    total += deleted;
    if (deleted < PRUNE_BATCH) return total;
  }
}
