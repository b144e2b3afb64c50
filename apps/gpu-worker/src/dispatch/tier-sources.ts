import { type Job, Queue, Worker } from 'bullmq';
import type { ConnectionOptions } from 'bullmq';
import { type GenerationJob, QueueNames, type Tier, TIERS } from '@pingvas/contracts';

export interface TierSourceOptions {
  prefix: string;
  connection: ConnectionOptions;
  lockMs: number;
  stalledIntervalMs: number;
}

/**
 * The five tier queues as job sources for manual fetching. Each has a BullMQ Worker that never
 * runs a processor of its own: it hands out one job at a time (`getNextJob` without blocking),
 * holds the job's lock for us, and runs BullMQ's stalled-job check for its queue, which puts a
 * job whose worker died back in the queue once (maxStalledCount 1) and fails it the next time.
 */
export class TierSources {
  private readonly workers = new Map<Tier, Worker<GenerationJob>>();
  private readonly queues = new Map<Tier, Queue<GenerationJob>>();

  constructor(private readonly options: TierSourceOptions) {
    for (const tier of TIERS) {
      const name = QueueNames.tier(tier);
      const common = { prefix: options.prefix, connection: options.connection };
      const worker = new Worker<GenerationJob>(name, undefined, {
        ...common,
        autorun: false,
        lockDuration: options.lockMs,
        stalledInterval: options.stalledIntervalMs,
        maxStalledCount: 1,
      });
      worker.on('error', () => undefined); // reconnects on its own; readiness reports Redis
      const queue = new Queue<GenerationJob>(name, common);
      queue.on('error', () => undefined);
      this.workers.set(tier, worker);
      this.queues.set(tier, queue);
    }
  }

  async startStalledChecks(): Promise<void> {
    await Promise.all([...this.workers.values()].map((w) => w.startStalledCheckTimer()));
  }

  /**
   * Tiers with jobs waiting now (one look at each queue, all at once). Delayed jobs count too:
   * a job that threw waits out its retry backoff there, and only a take (BullMQ promotes due
   * delayed jobs as it fetches) moves it on; a take that finds none due just comes back empty.
   */
  async busy(): Promise<Set<Tier>> {
    const counts = await Promise.all(
      TIERS.map(async (tier) => {
        const c = await this.queues.get(tier)!.getJobCounts('waiting', 'prioritized', 'delayed');
        return [tier, (c.waiting ?? 0) + (c.prioritized ?? 0) + (c.delayed ?? 0)] as const;
      }),
    );
    return new Set(counts.filter(([, n]) => n > 0).map(([tier]) => tier));
  }

  /** The next job of one tier, locked under `token`; undefined if another worker was faster. */
  take(tier: Tier, token: string): Promise<Job<GenerationJob> | undefined> {
    return this.workers.get(tier)!.getNextJob(token, { block: false });
  }

  async close(): Promise<void> {
    await Promise.all([
      ...[...this.workers.values()].map((w) => w.close(true)),
      ...[...this.queues.values()].map((q) => q.close()),
    ]);
  }
}
