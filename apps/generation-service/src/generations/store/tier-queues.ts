import { getQueueToken } from '@nestjs/bullmq';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { type GenerationJob, QueueNames, type Tier, TierJobName, TIERS } from '@pingvas/contracts';
import { addJob } from '@pingvas/messaging';
import type { Job, JobsOptions, Queue } from 'bullmq';

/** Every tier queue, each `gen-<tier>` registered with BullModule. */
export const TIER_QUEUE_NAMES = TIERS.map((tier) => QueueNames.tier(tier));

/** Counted for `/api/v1/queue` and `bullmq_job_count` (KEDA reads waiting + prioritized + active). */
export const TIER_JOB_STATES = [
  'waiting',
  'active',
  'delayed',
  'prioritized',
  'completed',
  'failed',
] as const;

/**
 * A stalled job goes back to the queue once (maxStalledCount 1 on the worker); a job that
 * throws is tried twice. Finished jobs stay a day so the sweeper can tell "done" from "lost".
 */
export const GENERATION_JOB_OPTIONS: JobsOptions = {
  attempts: 2,
  backoff: { type: 'fixed', delay: 1000 },
  removeOnComplete: { age: 24 * 3600, count: 50_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

export type TierCounts = Record<(typeof TIER_JOB_STATES)[number], number>;

/** The five tier queues the GPU workers take jobs from (DESIGN §7). */
@Injectable()
export class TierQueues implements OnModuleInit {
  private readonly queues = new Map<Tier, Queue>();

  constructor(private readonly moduleRef: ModuleRef) {}

  onModuleInit(): void {
    for (const tier of TIERS)
      this.queues.set(
        tier,
        this.moduleRef.get(getQueueToken(QueueNames.tier(tier)), { strict: false }),
      );
  }

  queue(tier: Tier): Queue {
    const queue = this.queues.get(tier);
    if (!queue) throw new Error(`no queue for tier ${tier}`);
    return queue;
  }

  async add(job: GenerationJob): Promise<void> {
    await addJob(this.queue(job.tier), {
      queue: QueueNames.tier(job.tier),
      name: TierJobName,
      data: job,
      opts: { ...GENERATION_JOB_OPTIONS, jobId: job.generationId },
    });
  }

  getJob(tier: Tier, id: string): Promise<Job<GenerationJob> | undefined> {
    return this.queue(tier).getJob(id);
  }

  /** Jobs waiting in one tier queue (a new job's place in it). */
  waitingCount(tier: Tier): Promise<number> {
    return this.queue(tier).getWaitingCount();
  }

  /** How many jobs of one tier queue are in each state. */
  async countsOf(tier: Tier): Promise<TierCounts> {
    const counts = await this.queue(tier).getJobCounts(...TIER_JOB_STATES);
    return {
      waiting: counts.waiting ?? 0,
      active: counts.active ?? 0,
      delayed: counts.delayed ?? 0,
      prioritized: counts.prioritized ?? 0,
      completed: counts.completed ?? 0,
      failed: counts.failed ?? 0,
    };
  }

  async counts(): Promise<Record<Tier, TierCounts>> {
    const entries = await Promise.all(
      TIERS.map(async (tier) => [tier, await this.countsOf(tier)] as const),
    );
    return Object.fromEntries(entries) as Record<Tier, TierCounts>;
  }

  /**
   * Where each job waits in its tier queue, 1 being the next one taken: BullMQ pushes new jobs
   * on the left of the wait list and workers take from the right. A job not in the list (being
   * taken right now) is left out.
   */
  async waitingPositions(tier: Tier, jobIds: string[]): Promise<Map<string, number>> {
    const queue = this.queue(tier);
    const client = await queue.client;
    const key = queue.toKey('wait');
    const [length, ...indexes] = await Promise.all([
      client.llen(key),
      ...jobIds.map((id) => client.lpos(key, id)),
    ]);
    const positions = new Map<string, number>();
    jobIds.forEach((id, i) => {
      const index = indexes[i];
      if (index !== null) positions.set(id, length - index);
    });
    return positions;
  }

  /** Workers connected to the tier queues (each worker holds a connection per queue). */
  async workers(): Promise<number> {
    return this.queue('free').getWorkersCount();
  }
}
