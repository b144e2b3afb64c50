import { isDatabaseUnavailable } from '@pingvas/common';
import { DelayedError, type Job } from 'bullmq';

/** How long a job waits before it runs again while PostgreSQL is away. */
export const DATABASE_OUTAGE_DELAY_MS = 2000;

/**
 * Runs a consumer's work on a job. When PostgreSQL cannot be reached, the job goes back to the
 * delayed set and runs again in DATABASE_OUTAGE_DELAY_MS without spending an attempt
 * (BullMQ's moveToDelayed skips the attempt count): an outage of any length never fails a job,
 * which only its own errors can do. Work that reached the database before it went away ran in
 * a transaction that rolled back, or is idempotent by key, so running it again is safe.
 */
export async function retryWhileDatabaseAway<T>(
  job: Job,
  token: string | undefined,
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (err) {
    // Without the lock token (not run by a Worker) the job cannot be moved; BullMQ retries it.
    if (token === undefined || !isDatabaseUnavailable(err)) throw err;
    await job.moveToDelayed(Date.now() + DATABASE_OUTAGE_DELAY_MS, token).catch(() => {
      throw err; // Redis too is away: an ordinary failed attempt, with its backoff.
    });
    throw new DelayedError(`database unavailable; job ${job.id} waits and runs again`);
  }
}
