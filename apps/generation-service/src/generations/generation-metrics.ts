import { Injectable } from '@nestjs/common';
import { MetricsRegistry, ServiceMetrics } from '@pingvas/common';
import { QueueNames, TIERS } from '@pingvas/contracts';
import type { Counter } from 'prom-client';
import { GenerationsRepository } from './store/generations.repository';
import { TIER_JOB_STATES, TierQueues } from './store/tier-queues';

/**
 * Every figure of generation-service for dashboards: what was accepted and how it ended, by
 * tier, how many people generate, and how deep the tier queues are. Counters move after the
 * commit that made them true. `active_users` is read from the database at scrape time (every
 * replica reports the same figure: dashboards take the max, not the sum).
 */
@Injectable()
export class GenerationMetrics extends ServiceMetrics {
  private readonly submitted: Counter<'tier'>;
  private readonly finished: Counter<'tier' | 'status'>;

  constructor(metrics: MetricsRegistry, repo: GenerationsRepository, queues: TierQueues) {
    super(metrics);
    this.submitted = this.counter({
      name: 'generations_submitted_total',
      help: 'Generations accepted and queued, by tier',
      labelNames: ['tier'],
    });
    this.finished = this.counter({
      name: 'generations_finished_total',
      help: 'Generations that reached a final status, by tier and status',
      labelNames: ['tier', 'status'],
    });
    this.gauge({
      name: 'active_users',
      help: 'Distinct users who submitted a generation within the window',
      labelNames: ['window'],
      async collect() {
        // With the database away the scrape still answers: the gauge keeps its last figures
        // instead of failing every other metric with it (/ready says the database is down).
        const row = await repo.activeUsers().catch(() => undefined);
        if (!row) return;
        for (const [window, users] of Object.entries(row)) this.set({ window }, Number(users));
      },
    });
    // Exported here, not by the worker: KEDA must see the depth while no worker runs.
    this.gauge({
      name: 'bullmq_job_count',
      help: 'Jobs per BullMQ queue and state (the generation tier queues)',
      labelNames: ['queue', 'state'],
      async collect() {
        for (const tier of TIERS) {
          const counts = await queues.countsOf(tier);
          for (const state of TIER_JOB_STATES)
            this.set({ queue: QueueNames.tier(tier), state }, counts[state]);
        }
      },
    });
  }

  submittedOne(tier: string): void {
    this.submitted.inc({ tier });
  }

  finishedOne(tier: string, status: string): void {
    this.finished.inc({ tier, status });
  }
}
