import { Injectable } from '@nestjs/common';
import { MetricsRegistry, ServiceMetrics } from '@pingvas/common';
import type { EmailTemplate } from '@pingvas/contracts';

export type MailOutcome = 'sent' | 'duplicate' | 'failed' | 'rejected';
export type ExportOutcome = 'built' | 'failed';

/** The system worker's figures: mail by template and outcome, exports built and their time. */
@Injectable()
export class SystemWorkerMetrics extends ServiceMetrics {
  private readonly mails = this.counter<'template' | 'outcome'>({
    name: 'emails_total',
    help: 'Mail jobs ended, by template and outcome (sent, duplicate: already sent, failed: will retry, rejected: cannot be sent)',
    labelNames: ['template', 'outcome'],
  });
  private readonly exports = this.counter<'outcome'>({
    name: 'exports_total',
    help: 'Data export builds ended, by outcome',
    labelNames: ['outcome'],
  });
  private readonly exportDuration = this.histogram({
    name: 'export_duration_seconds',
    help: 'Time to gather one user’s data and write the export zip',
    buckets: [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800],
  });
  private readonly exportBytes = this.histogram({
    name: 'export_bytes',
    help: 'Size of the export zips written',
    buckets: [1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10],
  });

  constructor(metrics: MetricsRegistry) {
    super(metrics);
  }

  mail(template: EmailTemplate | 'unknown', outcome: MailOutcome): void {
    this.mails.inc({ template, outcome });
  }

  exportEnded(outcome: ExportOutcome, startedAt: number, bytes?: number): void {
    this.exports.inc({ outcome });
    if (outcome === 'built') {
      this.exportDuration.observe((Date.now() - startedAt) / 1000);
      if (bytes !== undefined) this.exportBytes.observe(bytes);
    }
  }
}
