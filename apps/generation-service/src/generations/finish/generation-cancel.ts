import { Injectable } from '@nestjs/common';
import { AppError } from '@pingvas/common';
import { FINAL_STATUSES, type GenerationJob } from '@pingvas/contracts';
import { GenerationChannel } from '@pingvas/messaging';
import type { Job } from 'bullmq';
import { type GenerationView, GenerationViews } from '../reads/generation-views';
import { type GenerationRow, GenerationsRepository } from '../store/generations.repository';
import { TierQueues } from '../store/tier-queues';
import { GenerationFinisher } from './generation-finisher';

/**
 * A user's cancel. A job still in its queue is removed and its credits released at once. One a
 * worker holds cannot be removed (BullMQ refuses a locked job): it gets a cancel flag, which the
 * worker checks before every step, and ends `canceled` through the results queue.
 */
@Injectable()
export class GenerationCancel {
  constructor(
    private readonly repo: GenerationsRepository,
    private readonly queues: TierQueues,
    private readonly finisher: GenerationFinisher,
    private readonly views: GenerationViews,
    private readonly channel: GenerationChannel,
  ) {}

  async cancel(userId: string, id: string): Promise<GenerationView> {
    const row = await this.repo.findOwned(id, userId);
    if (!row) throw new AppError('NOT_FOUND', 'No such generation');
    if (FINAL_STATUSES.includes(row.status)) {
      throw new AppError('ALREADY_FINISHED', `The generation already ${row.status}`, {
        status: row.status,
      });
    }
    const { job, removed } = await this.removeJob(row);
    if (removed || (!job && row.status === 'queued')) {
      const canceled = await this.finisher.finish(row.id, {
        status: 'canceled',
        settlement: 'release',
        error: null,
        from: ['queued', 'running'],
      });
      if (canceled) return canceled.view;
    } else {
      await this.channel.requestCancel(row.id);
    }
    const current = await this.repo.find(row.id);
    return this.views.view(current ?? row);
  }

  /**
   * The cancel of an account being erased: it cannot wait for a worker's report, since the row
   * goes right after. The job leaves its queue when it can; a worker that holds it (or takes it
   * later, elsewhere) finds the cancel flag; and the generation ends `canceled` now, its credits
   * released through the one finishing path (exactly once: the update is conditional). Rejects
   * when the release could not reach payment-service, so the erasure's job is tried again;
   * the row then says what is still owed.
   */
  async cancelForErasure(row: GenerationRow): Promise<void> {
    if (FINAL_STATUSES.includes(row.status)) return;
    const { removed } = await this.removeJob(row);
    if (!removed) await this.channel.requestCancel(row.id);
    await this.finisher.finish(
      row.id,
      { status: 'canceled', settlement: 'release', error: null, from: ['queued', 'running'] },
      { settle: 'retry' },
    );
  }

  /** Removes the job from its tier queue unless a worker holds it (BullMQ refuses that). */
  private async removeJob(
    row: GenerationRow,
  ): Promise<{ job: Job<GenerationJob> | undefined; removed: boolean }> {
    const job = await this.queues.getJob(row.tier, row.id);
    let removed = false;
    if (job && !(await job.isActive())) {
      removed = await job.remove().then(
        () => true,
        () => false,
      );
    }
    return { job, removed };
  }
}
