import {
  type GenerationFinishedMessage,
  GenerationResultNames,
  type GenerationStartedMessage,
  QueueNames,
} from '@pingvas/contracts';
import { JobConsumer, OnJob, QueueConsumer } from '@pingvas/messaging';
import { CreditSettlement } from '../finish/credit-settlement';
import { GenerationsRepository } from '../store/generations.repository';
import { GenerationOutcomes } from './generation-outcomes';

/**
 * What workers report, applied exactly once: each report is a conditional update (a repeated
 * or late report changes nothing), then the credits owed are settled; if payment-service is
 * away the job throws and BullMQ retries it, and only the settlement is left to do. While the
 * database is away a report waits without spending its attempts.
 */
@JobConsumer(QueueNames.generationResults, { concurrency: 8 })
export class ResultsConsumer extends QueueConsumer {
  constructor(
    private readonly repo: GenerationsRepository,
    private readonly outcomes: GenerationOutcomes,
    private readonly settlement: CreditSettlement,
  ) {
    super();
  }

  @OnJob(QueueNames.generationResults, GenerationResultNames.started)
  async started(m: GenerationStartedMessage): Promise<{ applied: boolean }> {
    const applied = await this.repo.markRunning(m.generationId, new Date(m.startedAt), m.attempt);
    return { applied };
  }

  @OnJob(QueueNames.generationResults, GenerationResultNames.finished)
  async finished(m: GenerationFinishedMessage): Promise<{ applied: boolean }> {
    const row = await this.outcomes.finish(m, 'retry');
    // A repeated report: its first attempt may have stopped before the credits were settled.
    if (!row) await this.settlement.settle(m.generationId);
    return { applied: Boolean(row) };
  }
}
