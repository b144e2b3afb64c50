import { setTimeout as sleep } from 'node:timers/promises';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { type GalleryIngestJob, QueueNames } from '@pingvas/contracts';
import { type BlobStorage } from '@pingvas/storage';
import type { Job, JobType, Queue } from 'bullmq';
import { BoardsRepository } from '../boards/boards.repository';
import { ImagesRepository } from '../images/images.repository';
import { ImageSearch } from '../search/image-search';
import { SearchSync } from '../search/search-sync';
import { BLOB_STORAGE } from '../storage.provider';

export interface ErasureOutcome {
  images: number;
  boards: number;
  files: number;
}

/** Ingest jobs that have not run (or failed): they would bring an erased user's images back. */
const PENDING_INGEST_STATES: JobType[] = ['waiting', 'delayed', 'prioritized', 'paused', 'failed'];
/** How long an erasure waits for an ingest of the user that is running right now. */
const ACTIVE_INGEST_WAIT_MS = 20_000;
const ACTIVE_INGEST_POLL_MS = 200;

/**
 * Erases what the gallery holds of a deleted account (DESIGN §16): their images (tombstones
 * too) and boards, every file and thumbnail in the blob store, their search documents, and the
 * ingest jobs still waiting for them. Files go before rows, so a run that stops half way
 * (storage or Elasticsearch away) is run again and still knows every key; each step is
 * idempotent and a second run finds nothing. An ingest running meanwhile is waited for and its
 * rows erased too.
 */
@Injectable()
export class UserErasure {
  private readonly logger = new Logger(UserErasure.name);

  constructor(
    private readonly images: ImagesRepository,
    private readonly boards: BoardsRepository,
    private readonly search: ImageSearch,
    private readonly sync: SearchSync,
    @InjectQueue(QueueNames.galleryIngest) private readonly ingest: Queue,
    @Inject(BLOB_STORAGE) private readonly storage: BlobStorage,
  ) {}

  async erase(ownerId: string): Promise<ErasureOutcome> {
    await this.removePendingIngests(ownerId);
    const total: ErasureOutcome = { images: 0, boards: 0, files: 0 };
    const deadline = Date.now() + ACTIVE_INGEST_WAIT_MS;
    for (;;) {
      const pass = await this.erasePass(ownerId);
      total.images += pass.images;
      total.boards += pass.boards;
      total.files += pass.files;
      if (!(await this.ingestRunningFor(ownerId))) break;
      if (Date.now() > deadline)
        throw new Error('an ingest of the erased user is still running; the erasure is retried');
      await sleep(ACTIVE_INGEST_POLL_MS);
    }
    // Whatever the rows said: a document indexed from a job that raced the delete goes too.
    await this.search.removeOwner(ownerId);
    this.logger.log({ userId: ownerId, ...total }, 'user erased');
    return total;
  }

  private async erasePass(ownerId: string): Promise<ErasureOutcome> {
    const files = await this.images.filesOfOwner(ownerId);
    const keys = files.flatMap((f) =>
      f.thumbnailKey ? [f.storageKey, f.thumbnailKey] : [f.storageKey],
    );
    for (const key of keys) await this.storage.delete(key);
    const { images, boards } = await this.images.transaction(async (tx) => {
      const gone = await this.images.deleteAllOfOwner(tx, ownerId);
      // The indexer reads them gone and removes their documents (batched like any change).
      for (let i = 0; i < gone.length; i += 500)
        await this.sync.changed(tx, gone.slice(i, i + 500));
      return { images: gone.length, boards: await this.boards.deleteAllOfOwner(tx, ownerId) };
    });
    this.sync.flush();
    return { images, boards, files: keys.length };
  }

  private async removePendingIngests(ownerId: string): Promise<void> {
    const jobs = (await this.ingest.getJobs(PENDING_INGEST_STATES)) as (
      Job<GalleryIngestJob> | undefined
    )[];
    for (const job of jobs) {
      if (job?.data?.ownerId !== ownerId) continue;
      await job
        .remove()
        .catch((err: unknown) =>
          this.logger.warn({ jobId: job.id, err: String(err) }, 'ingest job not removed'),
        );
    }
  }

  private async ingestRunningFor(ownerId: string): Promise<boolean> {
    const active = (await this.ingest.getJobs(['active'])) as (Job<GalleryIngestJob> | undefined)[];
    return active.some((job) => job?.data?.ownerId === ownerId);
  }
}
