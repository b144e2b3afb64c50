import { InjectQueue } from '@nestjs/bullmq';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_CONFIG } from '@pingvas/common';
import { GenerationErrorCodes, generationFinishedJobId, QueueNames } from '@pingvas/contracts';
import type { Queue } from 'bullmq';
import type { GenerationServiceConfig } from '../config';
import { CreditSettlement } from './credit-settlement';
import { GenerationEvents } from './generation-events';
import { GenerationsRepository } from './generations.repository';
import { GenerationViews } from './generation-views';
import { TierQueues } from './tier-queues';

const LIVE_STATES = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);

/**
 * The reconciler behind "never lost": a queued or running generation whose job is gone, or was
 * failed by BullMQ (a worker lost twice: the stalled check gives up), is failed and its credits
 * released; settlements that could not reach payment-service are retried. Every step is a
 * conditional update, so replicas sweeping at once do no harm.
 */
@Injectable()
export class Sweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(Sweeper.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: GenerationServiceConfig,
    private readonly repo: GenerationsRepository,
    private readonly queues: TierQueues,
    private readonly settlement: CreditSettlement,
    private readonly views: GenerationViews,
    private readonly events: GenerationEvents,
    @InjectQueue(QueueNames.generationResults) private readonly results: Queue,
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
      const job = await this.queues.getJob(row.tier, row.id);
      const state = job ? await job.getState() : 'missing';
      if (LIVE_STATES.has(state)) continue;
      // A worker's final report may be waiting in the results queue: that one wins.
      if (await this.results.getJob(generationFinishedJobId(row.id))) continue;
      const stalled = state === 'failed';
      const failed = await this.repo.finish(row.id, {
        status: 'failed',
        settlement: 'release',
        error: stalled
          ? {
              code: GenerationErrorCodes.stalled,
              message: `The job failed on the worker: ${job?.failedReason ?? 'unknown reason'}; credits were released`,
            }
          : {
              code: GenerationErrorCodes.lost,
              message: 'The job was lost before it finished; credits were released',
            },
        from: ['queued', 'running'],
      });
      if (!failed) continue;
      this.logger.warn({ generationId: row.id, jobState: state }, 'failed a lost generation');
      await this.settlement.trySettle(row.id);
      const view = await this.views.view(failed);
      void this.events.publish({ generationId: row.id, type: 'failed', data: { ...view } });
    }
    for (const id of await this.repo.unsettled(Math.min(grace, 5000))) {
      await this.settlement.trySettle(id);
    }
  }
}
