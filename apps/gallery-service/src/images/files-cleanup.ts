import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Logger } from '@nestjs/common';
import { APP_CONFIG } from '@pingvas/common';
import { QueueNames, ScheduledJobNames } from '@pingvas/contracts';
import { JobConsumer, OnJob, type Schedule, ScheduledConsumer } from '@pingvas/messaging';
import type { BlobStorage } from '@pingvas/storage';
import type { Queue } from 'bullmq';
import type { GalleryServiceConfig } from '../config';
import { BLOB_STORAGE } from '../storage.provider';
import { ImagesRepository } from './images.repository';

const BATCH = 200;

/**
 * A repeatable BullMQ job removes the files of deleted images once their grace time has passed
 * (one scheduler entry however many replicas run; every step is idempotent). The row stays as
 * a tombstone with `files_removed_at`.
 */
@JobConsumer(QueueNames.galleryMaintenance)
export class DeletedFilesCleanup extends ScheduledConsumer {
  protected readonly logger = new Logger(DeletedFilesCleanup.name);

  constructor(
    private readonly images: ImagesRepository,
    @Inject(BLOB_STORAGE) private readonly storage: BlobStorage,
    @InjectQueue(QueueNames.galleryMaintenance) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: GalleryServiceConfig,
  ) {
    super();
  }

  protected schedule(): Schedule {
    return {
      queue: this.queue,
      name: ScheduledJobNames.removeDeletedFiles,
      everyMs: this.config.files.cleanupIntervalMs,
    };
  }

  @OnJob(QueueNames.galleryMaintenance, ScheduledJobNames.removeDeletedFiles, {
    waitForDatabase: false,
  })
  async removeDeletedFiles(): Promise<{ removed: number }> {
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
