import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { APP_CONFIG, AppError } from '@pingvas/common';
import {
  EXPORT_LINK_TTL_HOURS,
  type ExportJob,
  type ExportPage,
  type ExportPageRequest,
  exportBlobKey,
  type ImageExportItem,
  QueueNames,
  type RpcPattern,
  type RpcResponse,
  SystemJobNames,
} from '@pingvas/contracts';
import { addJob, RpcClient } from '@pingvas/messaging';
import { BLOB_STORAGE, type BlobStorage } from '@pingvas/storage';
import { Queue, UnrecoverableError } from 'bullmq';
import type { SystemWorkerConfig } from '../config';
import { SystemWorkerMetrics } from '../worker-metrics';
import { ExportFilesRepository } from './export-files.repository';
import { writeExportZip } from './export-zip';

type PagedPattern = {
  [P in RpcPattern]: RpcResponse<P> extends ExportPage<unknown> ? P : never;
}[RpcPattern];

/** A safe name inside the zip for an image: the gallery's, if it is a plain `images/<name>`. */
const IMAGE_NAME = /^images\/[A-Za-z0-9_-]{1,100}\.(png|webp|jpe?g)$/;

/** Image files looked up at once before the zip starts. */
const STAT_BATCH = 16;

/** The most pages one read may take (a cursor that never ends is a bug, not a big account). */
const MAX_PAGES = 100_000;

/**
 * Builds one data export (DESIGN §16): the account, generations, ledger, boards and images'
 * metadata as JSON read over RPC, plus every image file from the blob store, in one zip at
 * `exportBlobKey(userId, exportId)`; then asks user-service for the signed link and queues the
 * mail. Each step is safe to repeat: a retried job rewrites the same key and queues the same
 * message id, which is sent once.
 */
@Injectable()
export class ExportBuilder {
  private readonly logger = new Logger(ExportBuilder.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: SystemWorkerConfig,
    private readonly rpc: RpcClient,
    @Inject(BLOB_STORAGE) private readonly storage: BlobStorage,
    private readonly files: ExportFilesRepository,
    private readonly metrics: SystemWorkerMetrics,
    @InjectQueue(QueueNames.systemEmail) private readonly mail: Queue,
  ) {}

  async build(job: ExportJob): Promise<{ blobKey: string; bytes: number; images: number }> {
    const startedAt = Date.now();
    const { userId, exportId } = job;
    try {
      const user = await this.gone(this.rpc.send('user.users.get', { id: userId }));
      const account = await this.rpc.send('payment.account.export', { userId });
      const generations = await this.all('generation.generations.export', userId);
      const ledger = await this.all('payment.ledger.export', userId);
      const boards = await this.all('gallery.boards.export', userId);
      const listed = (await this.all('gallery.images.export', userId)).map((item) => ({
        ...item,
        filename: IMAGE_NAME.test(item.filename)
          ? item.filename
          : `images/${String(item.image.id ?? item.blobKey).replace(/[^A-Za-z0-9_-]/g, '_')}.png`,
      }));
      // An image deleted since the listing (its file gone) is no longer the user's to export:
      // it is left out rather than failing every attempt. Files are checked before the zip
      // starts, since an entry cannot be dropped once the zip has it.
      const images = await this.withFiles(uniqueNames(listed));

      const blobKey = exportBlobKey(userId, exportId);
      const exportedAt = new Date();
      const info = await writeExportZip(
        this.storage,
        blobKey,
        {
          json: {
            'account.json': { exportedAt: exportedAt.toISOString(), user, ...account },
            'generations.json': generations,
            'ledger.json': ledger,
            'boards.json': boards,
            // The file is in the zip: the view's short-lived signed URLs would only mislead.
            'images.json': images.map(({ image, filename }) => {
              const { urls: _urls, ...view } = image;
              return { ...view, file: filename };
            }),
          },
          files: images.map((item) => ({
            name: item.filename,
            open: () => this.storage.read(item.blobKey),
          })),
        },
        exportedAt,
      );
      await this.files.written(exportId, userId, blobKey, info.size);

      // Gone by now (deleted while the zip was written): nothing of theirs may stay behind.
      const link = await this.gone(
        this.rpc.send('user.exports.link', { userId, exportId }),
        async () => {
          await this.storage.delete(blobKey);
          await this.files.forget(userId, [blobKey]);
        },
      );
      await addJob(this.mail, {
        queue: QueueNames.systemEmail,
        name: SystemJobNames.sendEmail,
        data: {
          template: 'export-ready',
          data: { link: link.url, expiresHours: EXPORT_LINK_TTL_HOURS },
          messageId: `export-ready-${exportId}`,
          to: user.email,
          locale: user.locale,
          ...(job.requestId ? { requestId: job.requestId } : {}),
        },
        opts: {
          jobId: `export-ready-${exportId}`,
          attempts: 10,
          backoff: { type: 'exponential', delay: 1000 },
          removeOnComplete: { age: 24 * 3600, count: 10_000 },
          removeOnFail: { age: 7 * 24 * 3600 },
        },
      });
      this.metrics.exportEnded('built', startedAt, info.size);
      this.logger.log(
        { exportId, bytes: info.size, images: images.length, ms: Date.now() - startedAt },
        'export written',
      );
      return { blobKey, bytes: info.size, images: images.length };
    } catch (err) {
      this.metrics.exportEnded('failed', startedAt);
      throw err;
    }
  }

  /** The images whose file is in the blob store, looked up a few at a time. */
  private async withFiles(images: ImageExportItem[]): Promise<ImageExportItem[]> {
    const found: ImageExportItem[] = [];
    for (let i = 0; i < images.length; i += STAT_BATCH) {
      const batch = images.slice(i, i + STAT_BATCH);
      const infos = await Promise.all(batch.map((item) => this.storage.stat(item.blobKey)));
      batch.forEach((item, j) => {
        if (infos[j]) found.push(item);
      });
    }
    if (found.length < images.length)
      this.logger.warn({ missing: images.length - found.length }, 'export: image files gone');
    return found;
  }

  /** Every page of one paged export read, in order. */
  private async all<P extends PagedPattern>(
    pattern: P,
    userId: string,
  ): Promise<RpcResponse<P> extends ExportPage<infer T> ? T[] : never> {
    const items: unknown[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const request: ExportPageRequest = {
        userId,
        limit: this.config.export.pageSize,
        ...(cursor !== undefined ? { cursor } : {}),
      };
      const answer = (await this.rpc.send(pattern, request as never)) as ExportPage<unknown>;
      items.push(...answer.items);
      if (answer.nextCursor === undefined || answer.nextCursor === null) {
        return items as RpcResponse<P> extends ExportPage<infer T> ? T[] : never;
      }
      if (answer.nextCursor === cursor) throw new Error(`${pattern}: the cursor did not move`);
      cursor = answer.nextCursor;
    }
    throw new Error(`${pattern}: more than ${MAX_PAGES} pages`);
  }

  /** A user (or export) that no longer exists ends the job: no attempt can succeed. */
  private async gone<T>(call: Promise<T>, cleanUp?: () => Promise<void>): Promise<T> {
    try {
      return await call;
    } catch (err) {
      if (err instanceof AppError && /NOT_FOUND$/.test(err.code)) {
        await cleanUp?.();
        throw new UnrecoverableError(`export abandoned: ${err.message}`);
      }
      throw err;
    }
  }
}

/** Two items with one file name would be one entry overwriting the other: suffix repeats. */
function uniqueNames(items: ImageExportItem[]): ImageExportItem[] {
  const seen = new Set<string>();
  return items.map((item) => {
    let name = item.filename;
    for (let n = 2; seen.has(name); n++) name = item.filename.replace(/(\.[a-z]+)$/, `-${n}$1`);
    seen.add(name);
    return { ...item, filename: name };
  });
}
