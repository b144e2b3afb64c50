import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_CONFIG } from '@pingvas/common';
import type { GenerationServiceConfig } from '../config';
import { CreditSettlement } from './credit-settlement';
import { GenerationsRepository } from './generations.repository';
import { LostGenerations } from './lost-generations';

/**
 * The reconciler behind "never lost": every queued or running generation older than the grace
 * is checked against its job (LostGenerations ends the lost ones), and settlements that could
 * not reach payment-service are retried. Every step is a conditional update, so replicas
 * sweeping at once do no harm.
 */
@Injectable()
export class Sweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(Sweeper.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: GenerationServiceConfig,
    private readonly repo: GenerationsRepository,
    private readonly lost: LostGenerations,
    private readonly settlement: CreditSettlement,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), this.config.generation.sweepIntervalMs);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
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
