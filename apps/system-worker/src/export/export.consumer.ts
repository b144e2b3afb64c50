import { Logger } from '@nestjs/common';
import { type ExportJob, QueueNames, SystemJobNames } from '@pingvas/contracts';
import { JobConsumer, OnJob, QueueConsumer } from '@pingvas/messaging';
import { UnrecoverableError } from 'bullmq';
import { ExportBuilder } from './export-builder';
import { isUuid } from './ids';

/**
 * `system-export`: one export at a time per worker (each streams every image of one user
 * through the process). A failed step throws and BullMQ retries the whole build, which
 * rewrites the same zip.
 */
@JobConsumer(QueueNames.systemExport, { concurrency: 1, lockDuration: 120_000 })
export class ExportConsumer extends QueueConsumer {
  private readonly logger = new Logger(ExportConsumer.name);

  constructor(private readonly builder: ExportBuilder) {
    super();
  }

  @OnJob(QueueNames.systemExport, SystemJobNames.buildExport)
  async build(job: ExportJob): Promise<{ bytes: number; images: number }> {
    // No attempt can build an export for ids that are not ids: fail it at once.
    if (!isUuid(job.exportId) || !isUuid(job.userId))
      throw new UnrecoverableError('export job without a valid exportId and userId');
    try {
      const { bytes, images } = await this.builder.build(job);
      return { bytes, images };
    } catch (err) {
      this.logger.warn({ exportId: job.exportId, err: String(err) }, 'export failed');
      throw err;
    }
  }
}
