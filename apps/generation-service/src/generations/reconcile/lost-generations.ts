import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG } from '@pingvas/common';
import { GenerationErrorCodes, generationFinishedJobId, QueueNames } from '@pingvas/contracts';
import { BLOB_STORAGE, type BlobStorage } from '@pingvas/storage';
import type { Queue } from 'bullmq';
import type { GenerationServiceConfig } from '../../config';
import { GenerationFinisher } from '../finish/generation-finisher';
import { GenerationOutcomes } from '../results/generation-outcomes';
import { type GenerationRow, GenerationsRepository } from '../store/generations.repository';
import { TierQueues } from '../store/tier-queues';
import { finishedImages, imageKeysOf } from './finished-images';

const LIVE_STATES = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);
/** A submit at its plan's limit waits at most this long for Redis to say which jobs are gone. */
const USER_CHECK_TIMEOUT_MS = 2000;

/**
 * What becomes of a queued or running generation whose job is gone from Redis (Redis lost its
 * data, or someone removed it) or was failed by BullMQ (its worker was lost twice), with no
 * final report waiting. If the worker had finished it, its images are in the blob store and
 * only the report was lost: the generation is adopted as succeeded and charged once (the user
 * gets what they asked and paid for, the credits still held are captured, nothing is run
 * again). Otherwise it fails with its credits released and any partial images removed, so no
 * file outlives a generation the user was told failed. Every step is conditional.
 */
@Injectable()
export class LostGenerations {
  private readonly logger = new Logger(LostGenerations.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: GenerationServiceConfig,
    private readonly repo: GenerationsRepository,
    private readonly queues: TierQueues,
    private readonly outcomes: GenerationOutcomes,
    private readonly finisher: GenerationFinisher,
    @InjectQueue(QueueNames.generationResults) private readonly results: Queue,
    @Inject(BLOB_STORAGE) private readonly storage: BlobStorage,
  ) {}

  /** Ends the generation if its job is lost; answers whether it did. */
  async reconcile(row: GenerationRow): Promise<boolean> {
    const job = await this.queues.getJob(row.tier, row.id);
    const state = job ? await job.getState() : 'missing';
    if (LIVE_STATES.has(state)) return false;
    // A worker's final report may be waiting in the results queue: that one wins.
    if (await this.results.getJob(generationFinishedJobId(row.id))) return false;
    const images = await finishedImages(this.storage, row);
    if (images) {
      const adopted = await this.outcomes.finish(
        {
          generationId: row.id,
          outcome: 'succeeded',
          images,
          stepsRun: row.params.steps * row.params.count,
          startedAt: (row.startedAt ?? row.updatedAt).toISOString(),
          finishedAt: new Date().toISOString(),
          workerId: 'sweeper',
        },
        'defer',
      );
      if (!adopted) return false;
      this.logger.warn(
        { generationId: row.id, jobState: state, images: images.length },
        'adopted the finished images of a generation whose report was lost',
      );
      return true;
    }
    const stalled = state === 'failed';
    const failed = await this.finisher.finish(
      row.id,
      {
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
      },
      {
        afterCommit: async () => {
          // Only now: had a report landed first, the images would be the generation's own.
          await this.outcomes.removeFiles(imageKeysOf(row));
          this.logger.warn({ generationId: row.id, jobState: state }, 'failed a lost generation');
        },
      },
    );
    return failed !== undefined;
  }

  /**
   * Before a submit is refused for the plan's jobs-in-flight limit: the user's generations
   * whose job is surely lost (confirmed queued, now gone) are ended at once instead of holding
   * a slot until the sweeper's grace has passed. Answers how many ended; never rejects.
   */
  async releaseSlotsOf(userId: string): Promise<number> {
    const work = (async () => {
      let ended = 0;
      const graceEnd = Date.now() - this.config.generation.sweepGraceMs;
      for (const row of await this.repo.inFlightOf(userId)) {
        const surelyQueued = row.status === 'queued' && row.enqueuedAt !== null;
        if (!surelyQueued && row.updatedAt.getTime() > graceEnd) continue;
        if (await this.reconcile(row)) ended++;
      }
      return ended;
    })();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<number>((resolve) => {
      timer = setTimeout(() => resolve(0), USER_CHECK_TIMEOUT_MS);
    });
    try {
      return await Promise.race([work, timeout]);
    } catch (err) {
      this.logger.warn({ userId, err: String(err) }, 'could not check jobs in flight');
      return 0;
    } finally {
      clearTimeout(timer);
      work.catch(() => undefined);
    }
  }
}
