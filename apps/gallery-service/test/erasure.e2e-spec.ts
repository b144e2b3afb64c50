import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { buffer } from 'node:stream/consumers';
import type { Env } from '@pingvas/common';
import {
  erasureQueue,
  GalleryIngestNames,
  galleryIngestJobId,
  QueueNames,
  RpcPatterns,
  userDeletedJobId,
  UserDeletedJobName,
} from '@pingvas/contracts';
import { RpcClient } from '@pingvas/messaging';
import {
  ElasticsearchStandIn,
  eventually,
  type GalleryUser,
  TEST_REDIS_URL,
  TestS3Server,
  uniqueName,
} from '@pingvas/testing';
import { type Job, Queue } from 'bullmq';
import request from 'supertest';
import { bootGalleryStack, type GalleryStack } from './gallery-stack';

const BUCKET = 'pingvas-test-erasure';

type Setup = { es?: ElasticsearchStandIn; s3?: TestS3Server; env: Env };

/** Each blob store driver, and each search backend (Elasticsearch as the local stand-in). */
const VARIANTS: { name: string; setUp: () => Promise<Setup> }[] = [
  { name: 'local disk, PostgreSQL search', setUp: async () => ({ env: {} }) },
  {
    name: 'S3, Elasticsearch',
    setUp: async () => {
      const es = new ElasticsearchStandIn();
      const esUrl = await es.start();
      const s3 = await TestS3Server.start([BUCKET]);
      return {
        es,
        s3,
        env: {
          ...s3.storageEnv(BUCKET),
          ELASTICSEARCH_URL: esUrl,
          ELASTICSEARCH_INDEX: uniqueName('t-images').replace(/_/g, '-'),
        },
      };
    },
  },
];

describe.each(VARIANTS)('gallery erases a deleted user ($name)', ({ setUp }) => {
  let setup: Setup;
  let stack: GalleryStack;
  let erasures: Queue;
  let ingests: Queue;

  beforeAll(async () => {
    setup = await setUp();
    stack = await bootGalleryStack(setup.env);
    const connection = { url: TEST_REDIS_URL } as never;
    erasures = new Queue(erasureQueue('gallery'), { prefix: stack.namespace, connection });
    ingests = new Queue(QueueNames.galleryIngest, { prefix: stack.namespace, connection });
  });

  afterAll(async () => {
    await erasures?.close();
    await ingests?.close();
    await stack?.stop();
    await setup?.s3?.stop();
    await setup?.es?.stop();
  });

  const api = (user: GalleryUser) => ({
    get: (path: string) =>
      request(stack.gallery.url).get(`/api/v1${path}`).auth(user.token, { type: 'bearer' }),
    post: (path: string) =>
      request(stack.gallery.url).post(`/api/v1${path}`).auth(user.token, { type: 'bearer' }),
    delete: (path: string) =>
      request(stack.gallery.url).delete(`/api/v1${path}`).auth(user.token, { type: 'bearer' }),
  });

  const board = async (user: GalleryUser, name: string): Promise<string> =>
    (await api(user).post('/boards').send({ name }).expect(201)).body.id;

  const keysOf = async (ownerId: string) =>
    (
      await stack.sql<{ storage_key: string; thumbnail_key: string }>(
        `SELECT "storage_key", "thumbnail_key" FROM "images" WHERE "owner_id" = $1`,
        [ownerId],
      )
    ).flatMap((r) => [r.storage_key, r.thumbnail_key]);

  const rowsNaming = async (userId: string) =>
    (
      await stack.sql<{ n: number }>(
        `SELECT ((SELECT count(*) FROM "images" WHERE "owner_id" = $1)
              + (SELECT count(*) FROM "boards" WHERE "owner_id" = $1)
              + (SELECT count(*) FROM "outbox_gallery" WHERE "payload"::text LIKE '%' || $1 || '%'))::int AS n`,
        [userId],
      )
    )[0].n;

  const erase = async (userId: string, jobId: string) => {
    const job = await erasures.add(
      UserDeletedJobName,
      { userId, deletedAt: new Date().toISOString() },
      { jobId },
    );
    return eventually(
      async () => {
        const state = await job.getState();
        const current = (await erasures.getJob(jobId)) as Job;
        if (state === 'failed') throw new Error(`erasure failed: ${current.failedReason}`);
        return state === 'completed' ? current.returnvalue : undefined;
      },
      15_000,
      'erasure completed',
    );
  };

  /** Strips the signed URLs (their expiry is rounded to the minute, so may move on). */
  const unsigned = (view: Record<string, unknown>) => {
    const { urls, cover, ...rest } = view as { urls?: unknown; cover?: { imageId: string } | null };
    return { ...rest, hasUrls: urls !== undefined, cover: cover ? cover.imageId : cover };
  };

  async function pages<T>(
    pattern: typeof RpcPatterns.gallery.imagesExport | typeof RpcPatterns.gallery.boardsExport,
    userId: string,
    limit: number,
  ): Promise<{ items: T[]; pages: number }> {
    const rpc = stack.gallery.app.get(RpcClient);
    const items: T[] = [];
    let cursor: string | undefined;
    let count = 0;
    do {
      const page = await rpc.send(pattern, { userId, cursor, limit });
      items.push(...(page.items as T[]));
      cursor = page.nextCursor;
      count++;
    } while (cursor && count < 20);
    return { items, pages: count };
  }

  it('exports every image and board once, then erases rows, files, thumbnails and search documents of the user alone', async () => {
    const victim = await stack.signUp();
    const other = await stack.signUp();
    const cats = await board(victim, 'Cats');
    const empty = await board(victim, '풍경');
    const t0 = Date.now() - 60_000;
    const [c1, c2, loose, gone] = await stack.ingest(victim, [
      { prompt: '고양이 하나', boardId: cats, createdAt: new Date(t0) },
      { prompt: '고양이 둘', boardId: cats, createdAt: new Date(t0 + 1000) },
      { prompt: '강아지', createdAt: new Date(t0 + 2000) },
      { prompt: '지워진 고양이', createdAt: new Date(t0 + 3000) },
    ]);
    await api(victim).delete(`/images/${gone}`).expect(204);
    const theirBoard = await board(other, 'Cats');
    const [theirs] = await stack.ingest(other, [{ prompt: '고양이 남의 것', boardId: theirBoard }]);
    const victimKeys = await keysOf(victim.userId);
    const otherKeys = await keysOf(other.userId);
    expect(victimKeys).toHaveLength(8);

    // Images: pages of two, oldest first, each the owner's view, its file and its zip name.
    const images = await pages<{
      image: Record<string, unknown>;
      blobKey: string;
      filename: string;
    }>(RpcPatterns.gallery.imagesExport, victim.userId, 2);
    expect(images.pages).toBe(2);
    expect(images.items.map((i) => i.image.id)).toEqual([c1, c2, loose]);
    for (const item of images.items) {
      const id = String(item.image.id);
      const shown = (await api(victim).get(`/images/${id}`).expect(200)).body;
      expect(unsigned(item.image)).toEqual(unsigned(shown));
      expect(item.filename).toBe(`images/${id}.png`);
      const [{ storage_key }] = await stack.sql<{ storage_key: string }>(
        `SELECT "storage_key" FROM "images" WHERE "id" = $1`,
        [id],
      );
      expect(item.blobKey).toBe(storage_key);
      const file = await api(victim).get(`/images/${id}/file`).redirects(1).expect(200);
      expect((await buffer(await stack.storage.read(item.blobKey))).equals(file.body)).toBe(true);
    }
    // Boards: pages of one, each the board's view with its images.
    const boards = await pages<Record<string, unknown>>(
      RpcPatterns.gallery.boardsExport,
      victim.userId,
      1,
    );
    expect(boards.pages).toBe(2);
    expect(boards.items.map((b) => [b.id, b.imageIds])).toEqual([
      [cats, [c1, c2]],
      [empty, []],
    ]);
    for (const item of boards.items) {
      const { imageIds: _ids, ...view } = item;
      const shown = (
        await api(victim)
          .get(`/boards/${String(item.id)}`)
          .expect(200)
      ).body;
      expect(unsigned(view)).toEqual(unsigned(shown));
    }
    await expect(
      stack.gallery.app.get(RpcClient).send(RpcPatterns.gallery.imagesExport, {
        userId: victim.userId,
        limit: 0,
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });

    // An ingest of theirs still waiting would bring images back: it goes too.
    const waiting = await ingests.add(
      GalleryIngestNames.generation,
      {
        ownerId: victim.userId,
        generationId: randomUUID(),
        boardId: null,
        model: { id: 'model-a', name: 'model-a' },
        prompt: 'late',
        negativePrompt: null,
        params: { width: 64, height: 48, steps: 4, guidanceScale: 1, count: 1, seed: 1 } as never,
        images: [],
        createdAt: new Date().toISOString(),
        finishedAt: new Date().toISOString(),
      },
      { jobId: galleryIngestJobId(randomUUID()), delay: 60_000 },
    );

    expect(await erase(victim.userId, userDeletedJobId(victim.userId))).toEqual({
      images: 4,
      boards: 2,
      files: 8,
    });
    expect(await rowsNaming(victim.userId)).toBe(0);
    for (const key of victimKeys) expect(await stack.storage.stat(key)).toBeNull();
    if (!setup.s3) {
      // No folder on disk is named after them either.
      const paths = await readdir(stack.storageDir, { recursive: true });
      expect(paths.filter((p) => p.includes(victim.userId))).toEqual([]);
      expect(paths.some((p) => p.includes(other.userId))).toBe(true);
    }
    expect(await ingests.getJob(String(waiting.id))).toBeUndefined();
    expect((await api(victim).get('/images').expect(200)).body.items).toEqual([]);
    expect((await api(victim).get('/boards').expect(200)).body.items).toEqual([]);
    await api(victim).get(`/images/${c1}/file`).expect(404);
    expect(await pages(RpcPatterns.gallery.imagesExport, victim.userId, 10)).toEqual({
      items: [],
      pages: 1,
    });
    expect(await pages(RpcPatterns.gallery.boardsExport, victim.userId, 10)).toEqual({
      items: [],
      pages: 1,
    });

    // Search finds nothing of theirs; Elasticsearch was told to drop the owner's documents.
    expect((await api(victim).get('/search/images?q=고양이').expect(200)).body.items).toEqual([]);
    if (setup.es) {
      const es = setup.es;
      const byOwner = es.requests.filter(
        (r) =>
          r.path.endsWith('/_delete_by_query') &&
          JSON.stringify(r.body).includes(`"owner_id":"${victim.userId}"`),
      );
      expect(byOwner).toHaveLength(1);
      // The indexer hears of every deleted image and removes its document by id.
      const removed = await eventually(
        async () => {
          const ids = es.requests
            .filter((r) => r.path.endsWith('/_bulk'))
            .flatMap((r) => r.body as Record<string, { _id?: string }>[])
            .flatMap((line) => (line.delete?._id ? [line.delete._id] : []));
          return [c1, c2, loose, gone].every((id) => ids.includes(id)) ? ids : undefined;
        },
        10_000,
        'documents removed',
      );
      expect(removed).not.toContain(theirs);
    }

    // The other user's gallery is whole.
    expect(await rowsNaming(other.userId)).toBe(2);
    for (const key of otherKeys) expect(await stack.storage.stat(key)).not.toBeNull();
    expect(
      (await api(other).get('/images').expect(200)).body.items.map((i: { id: string }) => i.id),
    ).toEqual([theirs]);
    expect((await api(other).get(`/images/${theirs}/file`).redirects(1)).status).toBe(200);
    expect((await api(other).get('/search/images?q=고양이').expect(200)).body.items).toHaveLength(
      setup.es ? 0 : 1, // the stand-in finds nothing for anyone; PostgreSQL searches the table
    );

    // A second delivery of the event finds nothing left to do.
    expect(await erase(victim.userId, `${userDeletedJobId(victim.userId)}-again`)).toEqual({
      images: 0,
      boards: 0,
      files: 0,
    });
    for (const key of otherKeys) expect(await stack.storage.stat(key)).not.toBeNull();
  });
});
