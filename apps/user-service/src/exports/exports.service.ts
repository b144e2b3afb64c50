import type { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppError } from '@pingvas/common';
import {
  type ExportLinkResponse,
  exportBlobKey,
  QueueNames,
  SystemJobNames,
} from '@pingvas/contracts';
import { Outbox } from '@pingvas/messaging';
import { BLOB_STORAGE, BlobNotFoundError, type BlobStorage } from '@pingvas/storage';
import type { UserServiceConfig } from '../config';
import { UsersRepository } from '../users/users.repository';
import { ExportLinks } from './export-links';
import { ExportsRepository } from './exports.repository';

/** A pending export younger than this blocks a new one (older ones are taken as stuck). */
export const EXPORT_RUNNING_WINDOW_MS = 3_600_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ExportDownload {
  stream: Readable;
  size: number;
  filename: string;
}

const gone = () => new AppError('EXPORT_NOT_FOUND', 'No such export, or the link has expired');

/**
 * Data exports (DESIGN §16): asked for here, built by the system worker (`system-export`),
 * which asks `user.exports.link` for the signed link it mails; that link streams the zip.
 */
@Injectable()
export class ExportsService {
  constructor(
    private readonly exports: ExportsRepository,
    private readonly users: UsersRepository,
    private readonly links: ExportLinks,
    private readonly outbox: Outbox,
    @Inject(BLOB_STORAGE) private readonly storage: BlobStorage,
    @Inject(APP_CONFIG) private readonly config: UserServiceConfig,
  ) {}

  async request(userId: string): Promise<{ exportId: string }> {
    const exportId = await this.users.transaction(async (tx) => {
      if (!(await this.users.lock(userId, tx))) throw new AppError('NOT_FOUND', 'No such user');
      if (await this.exports.runningOf(userId, EXPORT_RUNNING_WINDOW_MS, tx)) {
        throw new AppError(
          'EXPORT_IN_PROGRESS',
          'An export is being built; its link will be mailed to you',
        );
      }
      const created = await this.exports.insert(userId, tx);
      await this.outbox.add(tx, {
        queue: QueueNames.systemExport,
        name: SystemJobNames.buildExport,
        jobId: `export-${created.id}`,
        payload: { exportId: created.id, userId },
      });
      return created.id;
    });
    void this.outbox.flush();
    return { exportId };
  }

  /** The zip is stored: the export is ready, and this is the link to mail. */
  async link(userId: string, exportId: string): Promise<ExportLinkResponse> {
    const ready = await this.exports.markReady(exportId, userId, this.config.exports.linkTtlHours);
    if (!ready?.expiresAt) throw gone();
    return {
      url: this.links.url(ready.id, ready.userId, ready.expiresAt),
      expiresAt: ready.expiresAt.toISOString(),
    };
  }

  /** The zip behind a signed link; anything wrong with it, or a gone export: EXPORT_NOT_FOUND. */
  async open(id: string, expires?: string, sig?: string): Promise<ExportDownload> {
    if (!UUID.test(id)) throw gone();
    const row = await this.exports.findById(id);
    if (
      !row ||
      row.status !== 'ready' ||
      !row.expiresAt ||
      row.expiresAt.getTime() <= Date.now() ||
      !this.links.verify(row.id, row.userId, expires, sig)
    ) {
      throw gone();
    }
    const key = exportBlobKey(row.userId, row.id);
    try {
      const info = await this.storage.stat(key);
      if (!info) throw gone();
      const stream = await this.storage.read(key);
      const day = row.readyAt ?? row.createdAt;
      return {
        stream,
        size: info.size,
        filename: `pingvas-export-${day.toISOString().slice(0, 10)}.zip`,
      };
    } catch (err) {
      if (err instanceof BlobNotFoundError) throw gone();
      throw err;
    }
  }
}
