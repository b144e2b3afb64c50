import type { Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';

/**
 * Runs job `name` on `queue` every `everyMs`: one scheduler entry however many replicas call
 * this (BullMQ upserts it by name). Redis being away at boot is logged, not fatal; the next
 * start schedules it.
 */
export async function scheduleEvery(
  queue: Queue,
  name: string,
  everyMs: number,
  logger: Logger,
): Promise<void> {
  await queue
    .upsertJobScheduler(name, { every: everyMs }, { name })
    .catch((err: unknown) => logger.warn(`${name} not scheduled yet: ${String(err)}`));
}
