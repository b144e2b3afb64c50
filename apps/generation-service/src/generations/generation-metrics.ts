import { Injectable } from '@nestjs/common';
import { MetricsRegistry } from '@pingvas/common';
import { Counter, Gauge } from 'prom-client';
import { DataSource } from 'typeorm';

/** Windows of `active_users`, as PostgreSQL intervals. */
const WINDOWS = { '1h': '1 hour', '24h': '24 hours', '30d': '30 days' } as const;

/**
 * The business figures of generations for dashboards: what was accepted and how it ended, by
 * tier, and how many people generate. `active_users` is read from the database at scrape time
 * (every replica reports the same figure: dashboards take the max, not the sum).
 */
@Injectable()
export class GenerationMetrics {
  private readonly submitted: Counter<'tier'>;
  private readonly finished: Counter<'tier' | 'status'>;

  constructor(metrics: MetricsRegistry, dataSource: DataSource) {
    const registers = [metrics.registry];
    this.submitted = new Counter({
      name: 'generations_submitted_total',
      help: 'Generations accepted and queued, by tier',
      labelNames: ['tier'],
      registers,
    });
    this.finished = new Counter({
      name: 'generations_finished_total',
      help: 'Generations that reached a final status, by tier and status',
      labelNames: ['tier', 'status'],
      registers,
    });
    new Gauge({
      name: 'active_users',
      help: 'Distinct users who submitted a generation within the window',
      labelNames: ['window'],
      registers,
      async collect() {
        // With the database away the scrape still answers: the gauge keeps its last figures
        // instead of failing every other metric with it (/ready says the database is down).
        const rows: Record<string, unknown>[] | undefined = await dataSource
          .query(
            `SELECT ${Object.entries(WINDOWS)
              .map(
                ([label, interval]) =>
                  `count(DISTINCT "user_id") FILTER (WHERE "created_at" > now() - interval '${interval}')::int AS "${label}"`,
              )
              .join(', ')}
           FROM "generations" WHERE "created_at" > now() - interval '30 days'`,
          )
          .catch(() => undefined);
        const row = rows?.[0];
        if (!row) return;
        for (const window of Object.keys(WINDOWS)) this.set({ window }, Number(row[window]));
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
