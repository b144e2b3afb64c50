import { offlineDataSource } from '@pingvas/database';
import { RELAYED_RETENTION_HOURS } from '@pingvas/messaging';
import type { Queue } from 'bullmq';
import { RefreshTokensRepository } from './auth/refresh-tokens.repository';
import { loadUserServiceConfig } from './config';
import { EmailTokensRepository } from './email-tokens/email-tokens.repository';
import {
  EMAIL_TOKEN_KEEP_MS,
  EXPORT_KEEP_MS,
  ExpiredRecordsCleanup,
  PRUNE_BATCH,
  REFRESH_TOKEN_KEEP_MS,
} from './expired-records-cleanup';
import { ExportsRepository } from './exports/exports.repository';

const database = offlineDataSource();
const HOUR_MS = 3_600_000;

/** A table of `due` prunable rows; records each cutoff and limit it was asked for. */
function prunable<R extends object>(repository: R, method: keyof R & string, due: number) {
  const calls: { before: Date; limit: number }[] = [];
  let left = due;
  Object.assign(repository, {
    [method]: async (before: Date, limit: number) => {
      calls.push({ before, limit });
      const deleted = Math.min(left, limit);
      left -= deleted;
      return deleted;
    },
  });
  return calls;
}

function setup(due: { refreshTokens: number; emailTokens: number; exports: number }) {
  const refreshTokens = new RefreshTokensRepository(database);
  const emailTokens = new EmailTokensRepository(database);
  const exports = new ExportsRepository(database);
  const calls = {
    refreshTokens: prunable(refreshTokens, 'pruneExpired', due.refreshTokens),
    emailTokens: prunable(emailTokens, 'pruneSpent', due.emailTokens),
    exports: prunable(exports, 'pruneExpired', due.exports),
  };
  const sut = new ExpiredRecordsCleanup(
    refreshTokens,
    emailTokens,
    exports,
    {} as Queue,
    loadUserServiceConfig({ APP_ENV: 'test' }),
  );
  return { sut, calls };
}

describe('ExpiredRecordsCleanup', () => {
  it('deletes in batches until one comes back short, and counts every row', async () => {
    const { sut, calls } = setup({
      refreshTokens: 2 * PRUNE_BATCH + 5,
      emailTokens: PRUNE_BATCH,
      exports: 0,
    });

    await expect(sut.prune()).resolves.toEqual({
      refreshTokens: 2 * PRUNE_BATCH + 5,
      emailTokens: PRUNE_BATCH,
      exports: 0,
    });
    expect(calls.refreshTokens.map((c) => c.limit)).toEqual([
      PRUNE_BATCH,
      PRUNE_BATCH,
      PRUNE_BATCH,
    ]);
    // A full batch may hide more rows: one more look, which finds none.
    expect(calls.emailTokens).toHaveLength(2);
    expect(calls.exports).toHaveLength(1);
  });

  it('keeps each kind of row its own margin past the moment it stopped mattering', async () => {
    const { sut, calls } = setup({ refreshTokens: 0, emailTokens: 0, exports: 0 });
    const start = Date.now();
    await sut.prune();
    const end = Date.now();

    const ageOf = (c: { before: Date }[]) => c[0].before.getTime();
    expect(ageOf(calls.refreshTokens)).toBeGreaterThanOrEqual(start - REFRESH_TOKEN_KEEP_MS);
    expect(ageOf(calls.refreshTokens)).toBeLessThanOrEqual(end - REFRESH_TOKEN_KEEP_MS);
    expect(ageOf(calls.emailTokens)).toBeGreaterThanOrEqual(start - EMAIL_TOKEN_KEEP_MS);
    expect(ageOf(calls.emailTokens)).toBeLessThanOrEqual(end - EMAIL_TOKEN_KEEP_MS);
    expect(ageOf(calls.exports)).toBeGreaterThanOrEqual(start - EXPORT_KEEP_MS);
    expect(ageOf(calls.exports)).toBeLessThanOrEqual(end - EXPORT_KEEP_MS);
  });

  it('keeps mailed tokens longer than the outbox keeps the mail naming their addresses', () => {
    expect(EMAIL_TOKEN_KEEP_MS).toBeGreaterThan(RELAYED_RETENTION_HOURS * HOUR_MS);
  });

  it('keeps refresh tokens past the longest access token a sign-in can issue', () => {
    expect(REFRESH_TOKEN_KEEP_MS).toBeGreaterThan(HOUR_MS);
  });
});
