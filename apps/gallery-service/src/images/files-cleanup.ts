import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import {
  Inject,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_CONFIG } from '@pingvas/common';
import { QueueNames } from '@pingvas/contracts';
import type { BlobStorage } from '@pingvas/storage';
import { type ScheduledJob, scheduleEvery } from '@pingvas/messaging';
import type { Job, Queue } from 'bullmq';
import type { GalleryServiceConfig } from '../config';
import { BLOB_STORAGE } from '../storage.provider';
import { ImagesRepository } from './images.repository';

export const REMOVE_DELETED_FILES = 'images.remove-files';
const BATCH = 200;

/**
 * A repeatable BullMQ job removes the files of deleted images once their grace time has passed
 * (one scheduler entry however many replicas run; every step is idempotent). The row stays as
 * a tombstone with `files_removed_at`.
 */
@Processor(QueueNames.galleryMaintenance)
export class DeletedFilesCleanup
  extends WorkerHost
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger(DeletedFilesCleanup.name);
  private schedule?: ScheduledJob;

  constructor(
    private readonly images: ImagesRepository,
    @Inject(BLOB_STORAGE) private readonly storage: BlobStorage,
    @InjectQueue(QueueNames.galleryMaintenance) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: GalleryServiceConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.schedule = scheduleEvery(
      this.queue,
      REMOVE_DELETED_FILES,
      this.config.files.cleanupIntervalMs,
      this.logger,
    );
  }

  onApplicationShutdown(): void {
    this.schedule?.stop();
  }

  async process(job: Job): Promise<{ removed: number }> {
    if (job.name !== REMOVE_DELETED_FILES) throw new Error(`no handler for ${job.name}`);
    const before = new Date(Date.now() - this.config.files.deletedGraceMs);
    let removed = 0;
    for (;;) {
      const due = await this.images.filesToRemove(before, BATCH);
      for (const image of due) {
        await this.storage.delete(image.storageKey);
        if (image.thumbnailKey) await this.storage.delete(image.thumbnailKey);
        await this.images.markFilesRemoved(image.id);
        removed++;
      }
      if (due.length < BATCH) break;
    }
    if (removed > 0) this.logger.log(`removed the files of ${removed} deleted image(s)`);
    return { removed };
  }
}
