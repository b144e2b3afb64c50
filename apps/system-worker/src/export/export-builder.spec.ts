import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { getQueueToken } from '@nestjs/bullmq';
import { Test } from '@nestjs/testing';
import { APP_CONFIG, AppError, loadBaseConfig, MetricsRegistry } from '@pingvas/common';
import {
  exportBlobKey,
  type ExportPage,
  type ExportPageRequest,
  QueueNames,
  type RpcPattern,
  type RpcRequest,
  type RpcResponse,
} from '@pingvas/contracts';
import { offlineDataSource } from '@pingvas/database';
import { RpcClient } from '@pingvas/messaging';
import { BLOB_STORAGE, LocalDiskStorage } from '@pingvas/storage';
import { type Queue, UnrecoverableError } from 'bullmq';
import { type Entry, fromBuffer, type ZipFile } from 'yauzl';
import type { SystemWorkerConfig } from '../config';
import { SystemWorkerMetrics } from '../worker-metrics';
import { ExportBuilder } from './export-builder';
import { ExportFilesRepository } from './export-files.repository';

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

type Answers = { [P in RpcPattern]?: (payload: RpcRequest<P>) => RpcResponse<P> };
type PagedRows = { [P in PagedPattern]?: RpcResponse<P>['items'] };
type PagedPattern =
  | 'generation.generations.export'
  | 'payment.ledger.export'
  | 'gallery.boards.export'
  | 'gallery.images.export';

const config = { export: { pageSize: 2 } } as SystemWorkerConfig;

/** An RPC client that answers from `answers` instead of Redis, noting each pattern it is sent. */
class FakeRpc extends RpcClient {
  constructor(
    private readonly answers: Answers,
    private readonly calls: string[] = [],
    private readonly gone = new Set<string>(),
  ) {
    super(loadBaseConfig('export-builder-spec', 0, {}));
  }

  override async send<P extends RpcPattern>(
    pattern: P,
    payload: RpcRequest<P>,
  ): Promise<RpcResponse<P>> {
    this.calls.push(pattern);
    if (this.gone.has(pattern)) throw new AppError('NOT_FOUND', `${pattern}: no such user`);
    const answer: Answers[P] = this.answers[pattern];
    if (!answer) throw new Error(`no answer for ${pattern}`);
    return answer(payload);
  }
}

/** An RPC client whose every call fails as an unreachable service's would. */
class UnavailableRpc extends RpcClient {
  constructor() {
    super(loadBaseConfig('export-builder-spec', 0, {}));
  }

  override async send<P extends RpcPattern>(): Promise<RpcResponse<P>> {
    throw new AppError('UPSTREAM_UNAVAILABLE', 'no answer');
  }
}

/** `all` paged `limit` rows at a time by a numeric cursor. */
function page<T>(all: T[], req: ExportPageRequest): ExportPage<T> {
  const start = Number(req.cursor ?? 0);
  const end = start + (req.limit ?? 100);
  return {
    items: all.slice(start, end),
    ...(end < all.length ? { nextCursor: String(end) } : {}),
  };
}

/** The services' export reads, paged `pageSize` rows at a time by a numeric cursor. */
function fakeRpc(rows: PagedRows, calls: string[], gone = new Set<string>()): FakeRpc {
  return new FakeRpc(
    {
      'user.users.get': () => ({
        id: 'u',
        email: 'u@example.com',
        displayName: null,
        role: 'user',
        emailVerified: true,
        locale: 'en',
        createdAt: '2024-01-01T00:00:00.000Z',
      }),
      'payment.account.export': () => ({ account: { available: 5 }, subscription: null }),
      'user.exports.link': () => ({
        url: 'https://app.example/api/v1/exports/x?sig=1',
        expiresAt: 'later',
      }),
      'generation.generations.export': (req) =>
        page(rows['generation.generations.export'] ?? [], req),
      'payment.ledger.export': (req) => page(rows['payment.ledger.export'] ?? [], req),
      'gallery.boards.export': (req) => page(rows['gallery.boards.export'] ?? [], req),
      'gallery.images.export': (req) => page(rows['gallery.images.export'] ?? [], req),
    },
    calls,
    gone,
  );
}

/** The export_files table as calls: what was written and what was forgotten. */
class RecordedExportFiles extends ExportFilesRepository {
  constructor(
    private readonly writes: unknown[][],
    private readonly forgets: unknown[][],
  ) {
    super(offlineDataSource());
  }

  override async written(...args: Parameters<ExportFilesRepository['written']>): Promise<void> {
    this.writes.push(args);
  }

  override async forget(...args: Parameters<ExportFilesRepository['forget']>): Promise<void> {
    this.forgets.push(args);
  }
}

/** The mail queue as the builder uses it: its name, and the jobs added to it. */
class RecordedMailQueue implements Pick<Queue, 'name'> {
  readonly name = QueueNames.systemEmail;

  constructor(private readonly added: unknown[][]) {}

  async add(...args: Parameters<Queue['add']>): Promise<void> {
    this.added.push(args);
  }
}

describe('ExportBuilder', () => {
  let dir: string;
  let storage: LocalDiskStorage;
  const userId = randomUUID();
  const written: unknown[][] = [];
  const forgotten: unknown[][] = [];
  const files = new RecordedExportFiles(written, forgotten);
  const mails: unknown[][] = [];
  const queue = new RecordedMailQueue(mails);
  const metrics = new SystemWorkerMetrics(new MetricsRegistry());

  /** The builder as Nest wires it, with the mail queue under its queue token. */
  async function builderWith(rpc: RpcClient): Promise<ExportBuilder> {
    const module = await Test.createTestingModule({
      providers: [
        ExportBuilder,
        { provide: APP_CONFIG, useValue: config },
        { provide: RpcClient, useValue: rpc },
        { provide: BLOB_STORAGE, useValue: storage },
        { provide: ExportFilesRepository, useValue: files },
        { provide: SystemWorkerMetrics, useValue: metrics },
        { provide: getQueueToken(QueueNames.systemEmail), useValue: queue },
      ],
    }).compile();
    return module.get(ExportBuilder);
  }

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
    const builder = await builderWith(fakeRpc(rows, calls));
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
    const builder = await builderWith(fakeRpc({}, calls, new Set(['user.exports.link'])));
    const exportId = randomUUID();
    await expect(builder.build({ exportId, userId })).rejects.toBeInstanceOf(UnrecoverableError);
    expect(await storage.stat(exportBlobKey(userId, exportId))).toBeNull();
    expect(forgotten).toEqual([[userId, [exportBlobKey(userId, exportId)]]]);
    expect(mails).toEqual([]);
  });

  it('fails (to be retried) when a service cannot answer', async () => {
    const builder = await builderWith(new UnavailableRpc());
    const err = await builder.build({ exportId: randomUUID(), userId }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).not.toBeInstanceOf(UnrecoverableError);
  });
});
