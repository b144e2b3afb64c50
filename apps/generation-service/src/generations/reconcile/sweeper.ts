import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Logger } from '@nestjs/common';
import { APP_CONFIG } from '@pingvas/common';
import { QueueNames, ScheduledJobNames } from '@pingvas/contracts';
import { JobConsumer, OnJob, type Schedule, ScheduledConsumer } from '@pingvas/messaging';
import type { Queue } from 'bullmq';
import type { GenerationServiceConfig } from '../../config';
import { CreditSettlement } from '../finish/credit-settlement';
import { GenerationsRepository } from '../store/generations.repository';
import { LostGenerations } from './lost-generations';

/**
 * The reconciler behind "never lost": every queued or running generation older than the grace
 * is checked against its job (LostGenerations ends the lost ones), and settlements that could
 * not reach payment-service are retried. It runs as a repeatable BullMQ job (one scheduler
 * entry however many replicas start); every step is a conditional update, so two passes at
 * once do no harm.
 */
@JobConsumer(QueueNames.generationMaintenance)
export class Sweeper extends ScheduledConsumer {
  protected readonly logger = new Logger(Sweeper.name);
  private running?: Promise<void>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: GenerationServiceConfig,
    private readonly repo: GenerationsRepository,
    private readonly lost: LostGenerations,
    private readonly settlement: CreditSettlement,
    @InjectQueue(QueueNames.generationMaintenance) private readonly queue: Queue,
  ) {
    super();
  }

  protected schedule(): Schedule {
    return {
      queue: this.queue,
      name: ScheduledJobNames.sweepGenerations,
      everyMs: this.config.generation.sweepIntervalMs,
    };
  }

  override async onApplicationShutdown(): Promise<void> {
    super.onApplicationShutdown();
    await this.running;
  }

  // A pass reads the database itself and logs its own failures: nothing to wait for or retry.
  @OnJob(QueueNames.generationMaintenance, ScheduledJobNames.sweepGenerations, {
    waitForDatabase: false,
  })
  async scheduledSweep(): Promise<void> {
    await this.sweep();
  }

  /** One pass; never rejects (a failing pass is logged and the next one tries again). */
  sweep(): Promise<void> {
    this.running ??= this.pass()
      .catch((err: unknown) => this.logger.warn(`sweep failed: ${String(err)}`))
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<void> {
    const grace = this.config.generation.sweepGraceMs;
    for (const row of await this.repo.inFlightOlderThan(grace)) {
      // One generation that cannot be judged now (its files unreadable) must not stop the rest.
      await this.lost
        .reconcile(row)
        .catch((err: unknown) =>
          this.logger.warn({ generationId: row.id, err: String(err) }, 'not reconciled yet'),
        );
    }
    for (const id of await this.repo.unsettled(Math.min(grace, 5000))) {
      await this.settlement.trySettle(id);
    }
  }
}
