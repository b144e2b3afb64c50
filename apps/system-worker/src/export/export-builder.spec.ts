import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { AppError, MetricsRegistry } from '@pingvas/common';
import { exportBlobKey, type ExportPageRequest } from '@pingvas/contracts';
import type { RpcClient } from '@pingvas/messaging';
import { LocalDiskStorage } from '@pingvas/storage';
import { type Queue, UnrecoverableError } from 'bullmq';
import { type Entry, fromBuffer, type ZipFile } from 'yauzl';
import type { SystemWorkerConfig } from '../config';
import { SystemWorkerMetrics } from '../worker-metrics';
import { ExportBuilder } from './export-builder';
import type { ExportFilesRepository } from './export-files.repository';

async function entries(zip: Buffer): Promise<Map<string, Buffer>> {
  const file = await new Promise<ZipFile>((resolve, reject) =>
    fromBuffer(zip, { lazyEntries: true }, (err, z) => (err ? reject(err) : resolve(z))),
  );
  const out = new Map<string, Buffer>();
  await new Promise<void>((resolve, reject) => {
    file.on('end', () => resolve());
    file.on('entry', (entry: Entry) =>
      file.openReadStream(entry, (err, stream) => {
        if (err) return reject(err);
        buffer(stream).then((bytes) => {
          out.set(entry.fileName, bytes);
          file.readEntry();
        }, reject);
      }),
    );
    file.readEntry();
  });
  return out;
}

/** The services' export reads, paged `pageSize` rows at a time by a numeric cursor. */
function fakeRpc(rows: Record<string, unknown[]>, calls: string[], gone = new Set<string>()) {
  const page = (pattern: string, req: ExportPageRequest) => {
    const start = Number(req.cursor ?? 0);
    const all = rows[pattern] ?? [];
    const end = start + (req.limit ?? 100);
    return {
      items: all.slice(start, end),
      ...(end < all.length ? { nextCursor: String(end) } : {}),
    };
  };
  return {
    send: async (pattern: string, payload: unknown) => {
      calls.push(pattern);
      if (gone.has(pattern)) throw new AppError('NOT_FOUND', `${pattern}: no such user`);
      switch (pattern) {
        case 'user.users.get':
          return { id: 'u', email: 'u@example.com', locale: 'en' };
        case 'payment.account.export':
          return { account: { available: 5 }, subscription: null };
        case 'user.exports.link':
          return { url: 'https://app.example/api/v1/exports/x?sig=1', expiresAt: 'later' };
        default:
          return page(pattern, payload as ExportPageRequest);
      }
    },
  } as unknown as RpcClient;
}

describe('ExportBuilder', () => {
  let dir: string;
  let storage: LocalDiskStorage;
  const userId = randomUUID();
  const config = { export: { pageSize: 2 } } as SystemWorkerConfig;
  const written: unknown[][] = [];
  const forgotten: unknown[][] = [];
  const files = {
    written: async (...args: unknown[]) => void written.push(args),
    forget: async (...args: unknown[]) => void forgotten.push(args),
  } as unknown as ExportFilesRepository;
  const mails: unknown[] = [];
  const queue = {
    name: 'system-email',
    add: async (...args: unknown[]) => void mails.push(args),
  } as unknown as Queue;
  const metrics = new SystemWorkerMetrics(new MetricsRegistry());

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'export-builder-'));
    storage = new LocalDiskStorage(dir);
    written.length = 0;
    forgotten.length = 0;
    mails.length = 0;
  });

  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('reads every page, zips present files under safe unique names, and queues the mail once built', async () => {
    const images = [1, 2, 3].map((i) => ({
      image: { id: `img-${i}`, prompt: `p${i}`, urls: { file: '/signed' } },
      blobKey: `images/${userId}/g${i}/0.png`,
      // The third name is unsafe: the builder names it from the image id.
      filename: i === 3 ? '../../etc/passwd' : `images/img-${i}.png`,
    }));
    await storage.put(images[0].blobKey, Buffer.from('one'));
    await storage.put(images[2].blobKey, Buffer.from('three'));
    // images[1]'s file is gone (deleted since the listing): it is left out.
    const rows = {
      'generation.generations.export': [{ id: 'g1' }, { id: 'g2' }, { id: 'g3' }],
      'payment.ledger.export': [{ id: '1' }, { id: '2' }, { id: '3' }, { id: '4' }, { id: '5' }],
      'gallery.boards.export': [],
      'gallery.images.export': images,
    };
    const calls: string[] = [];
    const builder = new ExportBuilder(config, fakeRpc(rows, calls), storage, files, metrics, queue);
    const exportId = randomUUID();
    const result = await builder.build({ exportId, userId });

    expect(result).toMatchObject({ blobKey: exportBlobKey(userId, exportId), images: 2 });
    expect(calls.filter((c) => c === 'payment.ledger.export')).toHaveLength(3);
    const zip = await entries(await buffer(await storage.read(exportBlobKey(userId, exportId))));
    expect(JSON.parse(zip.get('ledger.json')!.toString())).toHaveLength(5);
    expect(JSON.parse(zip.get('generations.json')!.toString())).toHaveLength(3);
    expect(JSON.parse(zip.get('images.json')!.toString())).toEqual([
      { id: 'img-1', prompt: 'p1', file: 'images/img-1.png' },
      { id: 'img-3', prompt: 'p3', file: 'images/img-3.png' },
    ]);
    expect(zip.get('images/img-1.png')!.toString()).toBe('one');
    expect(zip.get('images/img-3.png')!.toString()).toBe('three');
    expect(written).toEqual([[exportId, userId, exportBlobKey(userId, exportId), result.bytes]]);
    expect(calls[calls.length - 1]).toBe('user.exports.link');
    expect(mails).toEqual([
      [
        'email.send',
        expect.objectContaining({
          template: 'export-ready',
          messageId: `export-ready-${exportId}`,
          to: 'u@example.com',
          locale: 'en',
          data: { link: 'https://app.example/api/v1/exports/x?sig=1', expiresHours: 24 },
        }),
        expect.objectContaining({ jobId: `export-ready-${exportId}`, attempts: 10 }),
      ],
    ]);
  });

  it('gives up for good, deleting the zip, when the user is gone by the time of the link', async () => {
    const calls: string[] = [];
    const builder = new ExportBuilder(
      config,
      fakeRpc({}, calls, new Set(['user.exports.link'])),
      storage,
      files,
      metrics,
      queue,
    );
    const exportId = randomUUID();
    await expect(builder.build({ exportId, userId })).rejects.toBeInstanceOf(UnrecoverableError);
    expect(await storage.stat(exportBlobKey(userId, exportId))).toBeNull();
    expect(forgotten).toEqual([[userId, [exportBlobKey(userId, exportId)]]]);
    expect(mails).toEqual([]);
  });

  it('fails (to be retried) when a service cannot answer', async () => {
    const rpc = {
      send: async () => {
        throw new AppError('UPSTREAM_UNAVAILABLE', 'no answer');
      },
    } as unknown as RpcClient;
    const builder = new ExportBuilder(config, rpc, storage, files, metrics, queue);
    const err = await builder.build({ exportId: randomUUID(), userId }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).not.toBeInstanceOf(UnrecoverableError);
  });
});
