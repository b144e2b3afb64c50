import type { Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';

/** The longest a scheduler that Redis forgot stays missing while the connection never dropped. */
const CHECK_EVERY_MS = 60_000;

export interface ScheduledJob {
  /** Stops re-asserting the scheduler (at shutdown); the entry itself stays in Redis. */
  stop(): void;
}

/**
 * Runs job `name` on `queue` every `everyMs`: one scheduler entry however many replicas call
 * this (BullMQ upserts it by name). A scheduler lives only in Redis, so a Redis that lost its
 * data (a restart without persistence, a failover to an empty replica) forgets it: the entry is
 * asserted again each time the queue's connection becomes ready, and on a timer for a loss with
 * no reconnect. Redis being away is logged, never fatal, and never holds up the boot.
 */
export function scheduleEvery(
  queue: Queue,
  name: string,
  everyMs: number,
  logger: Logger,
): ScheduledJob {
  let stopped = false;
  const upsert = () => queue.upsertJobScheduler(name, { every: everyMs }, { name });
  const reassert = async () => {
    if (stopped) return;
    try {
      if (await queue.getJobScheduler(name)) return;
      await upsert();
      logger.warn(`${name}: its scheduler was missing from Redis (data lost?); created it again`);
    } catch (err) {
      logger.warn(`${name} not scheduled yet: ${String(err)}`);
    }
  };
  const onReady = () => void reassert();

  const timer = setInterval(onReady, Math.min(everyMs, CHECK_EVERY_MS));
  timer.unref();
  // Resolves once connected; from then on every reconnect re-asserts the entry.
  const client = queue.client.then((redis) => {
    if (!stopped) redis.on('ready', onReady);
    return redis;
  });
  client.catch(() => undefined);
  // At boot the entry is always written, so a changed interval takes effect.
  void upsert().catch((err: unknown) => logger.warn(`${name} not scheduled yet: ${String(err)}`));

  return {
    stop() {
      stopped = true;
      clearInterval(timer);
      void client.then((redis) => redis.off('ready', onReady)).catch(() => undefined);
    },
  };
}
