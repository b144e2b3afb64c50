import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Logger } from '@nestjs/common';
import { APP_CONFIG } from '@pingvas/common';
import { QueueNames, ScheduledJobNames } from '@pingvas/contracts';
import { JobConsumer, OnJob, type Schedule, ScheduledConsumer } from '@pingvas/messaging';
import { BLOB_STORAGE, type BlobStorage } from '@pingvas/storage';
import type { Queue } from 'bullmq';
import type { SystemWorkerConfig } from './config';
import { ExportFilesRepository } from './export/export-files.repository';
import { SentEmailsRepository } from './mail/sent-emails.repository';

const BATCH = 200;

/**
 * `system-maintenance`, on a timer (one scheduler entry however many workers run): an export
 * zip leaves the blob store once its link has expired (the data is not kept longer than the
 * person asked for it), and the send-once records of mail sent long ago are dropped. Every step
 * is idempotent.
 */
@JobConsumer(QueueNames.systemMaintenance)
export class MaintenanceConsumer extends ScheduledConsumer {
  protected readonly logger = new Logger(MaintenanceConsumer.name);

  constructor(
    private readonly exports: ExportFilesRepository,
    private readonly sent: SentEmailsRepository,
    @Inject(BLOB_STORAGE) private readonly storage: BlobStorage,
    @InjectQueue(QueueNames.systemMaintenance) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: SystemWorkerConfig,
  ) {
    super();
  }

  protected schedule(): Schedule {
    return {
      queue: this.queue,
      name: ScheduledJobNames.expireExports,
      everyMs: this.config.maintenance.intervalMs,
    };
  }

  @OnJob(QueueNames.systemMaintenance, ScheduledJobNames.expireExports, {
    waitForDatabase: false,
  })
  async expire(): Promise<{ exports: number; sentEmails: number }> {
    const { exportRetentionMs, sentEmailRetentionMs } = this.config.maintenance;
    const before = new Date(Date.now() - exportRetentionMs);
    let exports = 0;
    for (;;) {
      const due = await this.exports.expired(before, BATCH);
      for (const zip of due) {
        await this.storage.delete(zip.blobKey);
        await this.exports.expire(zip.exportId, before);
        exports++;
      }
      if (due.length < BATCH) break;
    }
    const sentEmails = await this.sent.prune(new Date(Date.now() - sentEmailRetentionMs));
    if (exports + sentEmails > 0)
      this.logger.log({ exports, sentEmails }, 'expired export zips and old mail records removed');
    return { exports, sentEmails };
  }
}
