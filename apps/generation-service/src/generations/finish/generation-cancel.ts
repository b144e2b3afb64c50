import { Injectable } from '@nestjs/common';
import { AppError } from '@pingvas/common';
import { FINAL_STATUSES } from '@pingvas/contracts';
import { GenerationChannel } from '@pingvas/messaging';
import { type GenerationView, GenerationViews } from '../reads/generation-views';
import { GenerationsRepository } from '../store/generations.repository';
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
    const job = await this.queues.getJob(row.tier, row.id);
    let removed = false;
    if (job && !(await job.isActive())) {
      removed = await job.remove().then(
        () => true,
        () => false,
      );
    }
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
}
