import { Inject, Logger } from '@nestjs/common';
import { erasureQueue, type UserDeletedEvent, UserDeletedJobName } from '@pingvas/contracts';
import { JobConsumer, OnJob, QueueConsumer } from '@pingvas/messaging';
import { UnrecoverableError } from 'bullmq';
import { BLOB_STORAGE, type BlobStorage } from '@pingvas/storage';
import { ExportFilesRepository } from './export-files.repository';
import { isUuid } from './ids';

const SYSTEM_ERASURE = erasureQueue('system');

/**
 * `system-erasure` `user.deleted`: the user's export zips leave the blob store, then their
 * rows (the only place the worker names a user). Idempotent: deleting a missing blob succeeds.
 */
@JobConsumer(SYSTEM_ERASURE)
export class ErasureConsumer extends QueueConsumer {
  private readonly logger = new Logger(ErasureConsumer.name);

  constructor(
    private readonly files: ExportFilesRepository,
    @Inject(BLOB_STORAGE) private readonly storage: BlobStorage,
  ) {
    super();
  }

  @OnJob(SYSTEM_ERASURE, UserDeletedJobName)
  async erase(event: UserDeletedEvent): Promise<{ exports: number }> {
    if (!isUuid(event.userId)) throw new UnrecoverableError('user.deleted without a valid userId');
    const keys = await this.files.keysOf(event.userId);
    for (const key of keys) await this.storage.delete(key);
    await this.files.forget(event.userId, keys);
    this.logger.log({ exports: keys.length }, 'user’s exports erased');
    return { exports: keys.length };
  }
}
