import { Processor, WorkerHost } from '@nestjs/bullmq';
import {
  type GenerationFinishedMessage,
  GenerationResultNames,
  type GenerationStartedMessage,
  QueueNames,
} from '@pingvas/contracts';
import { retryWhileDatabaseAway } from '@pingvas/messaging';
import type { Job } from 'bullmq';
import { CreditSettlement } from './credit-settlement';
import { GenerationOutcomes } from './generation-outcomes';
import { GenerationsRepository } from './generations.repository';

/**
 * What workers report, applied exactly once: each report is a conditional update (a repeated
 * or late report changes nothing), then the credits owed are settled; if payment-service is
 * away the job throws and BullMQ retries it, and only the settlement is left to do. While the
 * database is away a report waits without spending its attempts.
 */
@Processor(QueueNames.generationResults, { concurrency: 8 })
export class ResultsConsumer extends WorkerHost {
  constructor(
    private readonly repo: GenerationsRepository,
    private readonly outcomes: GenerationOutcomes,
    private readonly settlement: CreditSettlement,
  ) {
    super();
  }

  process(job: Job, token?: string): Promise<{ applied: boolean }> {
    return retryWhileDatabaseAway(job, token, () => this.apply(job));
  }

  private async apply(job: Job): Promise<{ applied: boolean }> {
    switch (job.name) {
      case GenerationResultNames.started:
        return this.started(job.data as GenerationStartedMessage);
      case GenerationResultNames.finished:
        return this.finished(job.data as GenerationFinishedMessage);
      default:
        throw new Error(`no handler for ${job.name} on ${QueueNames.generationResults}`);
    }
  }

  private async started(m: GenerationStartedMessage): Promise<{ applied: boolean }> {
    const applied = await this.repo.markRunning(m.generationId, new Date(m.startedAt), m.attempt);
    return { applied };
  }

  private async finished(m: GenerationFinishedMessage): Promise<{ applied: boolean }> {
    const row = await this.outcomes.finish(m);
    // Also on a repeated report: the first attempt may have stopped before this line.
    await this.settlement.settle(m.generationId);
    return { applied: Boolean(row) };
  }
}
