import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  galleryIngestJobId,
  generationFinishedJobId,
  generationStartedJobId,
  QueueNames,
} from '@pingvas/contracts';
import { Outbox } from '@pingvas/messaging';
import { BLOB_STORAGE, type BlobStorage } from '@pingvas/storage';
import type { Queue } from 'bullmq';
import { CreditSettlement } from '../finish/credit-settlement';
import { GenerationCancel } from '../finish/generation-cancel';
import { imageKeysOf } from '../reconcile/finished-images';
import { GenerationImagesRepository } from '../store/generation-images.repository';
import { type GenerationRow, GenerationsRepository } from '../store/generations.repository';
import { TierQueues } from '../store/tier-queues';

/** What the erasure needs of each collaborator (the unit spec fakes exactly these). */
export type ErasureStore = Pick<
  GenerationsRepository,
  'transaction' | 'lockUser' | 'inFlightOf' | 'allOf' | 'deleteAllOf'
>;
export type ErasureImages = Pick<GenerationImagesRepository, 'of'>;
export type ErasureCancels = Pick<GenerationCancel, 'cancelForErasure'>;
export type ErasureSettlement = Pick<CreditSettlement, 'settle'>;
export type ErasureTierJobs = Pick<TierQueues, 'getJob'>;
export type ErasureJobs = Pick<Queue, 'getJob'>;
export type ErasureFiles = Pick<BlobStorage, 'delete'>;
export type ErasureOutbox = Pick<Outbox, 'purge'>;

export interface ErasureOutcome {
  canceled: number;
  deleted: number;
}

/**
 * Erases what generation-service holds of a deleted account (DESIGN §16): its queued and
 * running generations are canceled through the cancel path (credits released once, workers
 * told to stop), anything still owed to payment-service is settled, their files and their jobs
 * left in Redis are removed, and then their rows and the outbox rows written for them are
 * deleted. Every step is idempotent, and the rows go last: a run that stops half way (payment
 * or storage away) is simply run again, and a second run finds nothing to do.
 */
@Injectable()
export class UserErasure {
  private readonly logger = new Logger(UserErasure.name);

  constructor(
    @Inject(GenerationsRepository) private readonly repo: ErasureStore,
    @Inject(GenerationImagesRepository) private readonly images: ErasureImages,
    @Inject(GenerationCancel) private readonly cancels: ErasureCancels,
    @Inject(CreditSettlement) private readonly settlement: ErasureSettlement,
    @Inject(TierQueues) private readonly queues: ErasureTierJobs,
    @InjectQueue(QueueNames.generationResults) private readonly results: ErasureJobs,
    @InjectQueue(QueueNames.galleryIngest) private readonly ingest: ErasureJobs,
    @Inject(BLOB_STORAGE) private readonly storage: ErasureFiles,
    @Inject(Outbox) private readonly outbox: ErasureOutbox,
  ) {}

  async erase(userId: string): Promise<ErasureOutcome> {
    // A submit of theirs still in its transaction commits first (or never): its row is seen.
    await this.repo.transaction((tx) => this.repo.lockUser(userId, tx));
    const inFlight = await this.repo.inFlightOf(userId);
    for (const row of inFlight) await this.cancels.cancelForErasure(row);

    const rows = await this.repo.allOf(userId);
    // Rejects while payment-service is away: the job is retried, the rows are still there.
    for (const row of rows)
      if (row.settlement && !row.settledAt) await this.settlement.settle(row.id);

    const images = await this.images.of(rows.map((r) => r.id));
    const keys = new Set([...rows.flatMap(imageKeysOf), ...images.map((i) => i.storageKey)]);
    for (const key of keys) await this.storage.delete(key);
    for (const row of rows) await this.removeJobs(row);

    // The outbox rows written for them go too (relayed ones would stay in the table otherwise).
    const deleted = await this.repo.transaction(async (tx) => {
      const n = await this.repo.deleteAllOf(userId, tx);
      await this.outbox.purge({ mentioning: userId }, tx);
      return n;
    });
    this.logger.log({ userId, canceled: inFlight.length, deleted }, 'user erased');
    return { canceled: inFlight.length, deleted };
  }

  /**
   * The jobs that carry the generation (its prompt, the user's id) in Redis: its tier job, the
   * worker's reports and its gallery hand-off, whatever their state. One a worker holds right
   * now cannot be removed; it ends by itself and is removed with its queue's retention.
   */
  private async removeJobs(row: GenerationRow): Promise<void> {
    const jobs = [
      this.queues.getJob(row.tier, row.id),
      this.results.getJob(generationFinishedJobId(row.id)),
      this.ingest.getJob(galleryIngestJobId(row.id)),
      ...Array.from({ length: Math.max(row.attempts, 0) + 2 }, (_, attempt) =>
        this.results.getJob(generationStartedJobId(row.id, attempt)),
      ),
    ];
    for (const job of await Promise.all(jobs)) {
      await job
        ?.remove()
        .catch((err: unknown) =>
          this.logger.warn({ generationId: row.id, err: String(err) }, 'job left to its retention'),
        );
    }
  }
}
