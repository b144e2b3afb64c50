import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { binaryBody, eventually, type GalleryUser, spawnBuilt, testEnv } from '@pingvas/testing';
import sharp from 'sharp';
import request from 'supertest';
import { bootGalleryStack, type GalleryStack } from './gallery-stack';

describe('gallery: images, files and boards', () => {
  let stack: GalleryStack;
  let ada: GalleryUser;
  let bob: GalleryUser;

  beforeAll(async () => {
    stack = await bootGalleryStack();
    [ada, bob] = [await stack.signUp(), await stack.signUp()];
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const api = (user: GalleryUser | null) => {
    const agent = request(stack.gallery.url);
    const auth = <T extends request.Test>(t: T) =>
      user ? t.auth(user.token, { type: 'bearer' }) : t;
    return {
      get: (path: string) => auth(agent.get(`/api/v1${path}`)),
      post: (path: string) => auth(agent.post(`/api/v1${path}`)),
      patch: (path: string) => auth(agent.patch(`/api/v1${path}`)),
      delete: (path: string) => auth(agent.delete(`/api/v1${path}`)),
    };
  };
  it('ingests a generation once, however often its job is delivered, with a 256 px WebP thumbnail', async () => {
    const [id] = await stack.ingest(ada, [
      { prompt: '창가에 앉은 고양이', negativePrompt: 'blurry' },
    ]);
    const res = await api(ada).get(`/images/${id}`).expect(200);
    expect(res.body).toMatchObject({
      id,
      prompt: '창가에 앉은 고양이',
      negativePrompt: 'blurry',
      model: { id: 'model-a', name: 'model-a' },
      seed: 7,
      width: 64,
      height: 48,
      steps: 4,
      guidanceScale: 1,
      boardId: null,
      starred: false,
    });
    const thumb = await api(ada)
      .get(`/images/${id}/thumbnail`)
      .buffer(true)
      .parse(binaryBody)
      .expect(200);
    expect(thumb.headers['content-type']).toBe('image/webp');
    const meta = await sharp(thumb.body as Buffer).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 64, 48]);
    const [row] = await stack.sql<{ generation_id: string }>(
      `SELECT "generation_id" FROM "images" WHERE "id" = $1`,
      [id],
    );
    // The same job delivered again (a retry, a replayed outbox row): nothing new.
    const again = await stack.sql(`SELECT 1 FROM "images" WHERE "generation_id" = $1`, [
      row.generation_id,
    ]);
    expect(again).toHaveLength(1);
  });

  it('serves the PNG and the thumbnail to the owner with caching headers, and 404 to anyone else', async () => {
    const [id] = await stack.ingest(ada, [{ prompt: 'a lighthouse at dusk' }]);
    const file = await api(ada)
      .get(`/images/${id}/file`)
      .buffer(true)
      .parse(binaryBody)
      .expect(200);
    expect(file.headers['content-type']).toBe('image/png');
    expect(file.headers['cache-control']).toMatch(/^private, max-age=\d+, immutable$/);
    expect((file.body as Buffer).subarray(1, 4).toString()).toBe('PNG');
    expect(Number(file.headers['content-length'])).toBe((file.body as Buffer).length);
    await api(ada).get(`/images/${id}/file`).set('If-None-Match', file.headers.etag).expect(304);
    for (const variant of ['file', 'thumbnail']) {
      const res = await api(bob).get(`/images/${id}/${variant}`).expect(404);
      expect(res.body.code).toBe('NOT_FOUND');
      await api(null).get(`/images/${id}/${variant}`).expect(404);
    }
    await api(bob).get(`/images/${id}`).expect(404);
    const odd = await api(ada).get(`/images/${id}/original`).expect(400);
    expect(odd.body.code).toBe('VALIDATION_FAILED');
  });

  it('answers ?download=1 as an attachment, to the owner and to a signed URL, and 400 to a bad flag', async () => {
    const [id] = await stack.ingest(ada, [{ prompt: 'save me' }]);
    const shown = await api(ada).get(`/images/${id}/file`).expect(200);
    expect(shown.headers['content-disposition']).toBe(`inline; filename="${id}.png"`);
    const saved = await api(ada).get(`/images/${id}/file?download=1`).expect(200);
    expect(saved.headers['content-disposition']).toBe(`attachment; filename="pingvas-${id}.png"`);
    const { body } = await api(ada).get(`/images/${id}`).expect(200);
    const signed = await request(stack.gallery.url)
      .get(`${body.urls.file as string}&download=true`)
      .expect(200);
    expect(signed.headers['content-disposition']).toBe(`attachment; filename="pingvas-${id}.png"`);
    const off = await api(ada).get(`/images/${id}/thumbnail?download=0`).expect(200);
    expect(off.headers['content-disposition']).toBe(`inline; filename="${id}.webp"`);
    for (const flag of ['yes', '', '2']) {
      const res = await api(ada).get(`/images/${id}/file?download=${flag}`).expect(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.any(String) });
    }
  });

  it('lets a signed URL fetch the file without a token, for that image only and until it expires', async () => {
    const [id] = await stack.ingest(ada, [{ prompt: 'signed' }]);
    const [bobs] = await stack.ingest(bob, [{ prompt: 'bob’s own' }]);
    const { body } = await api(ada).get(`/images/${id}`).expect(200);
    expect(body.urls.file).toMatch(
      new RegExp(`^/api/v1/images/${id}/file\\?exp=\\d+&sig=[\\w-]+$`),
    );
    expect(Date.parse(body.urls.expiresAt)).toBeGreaterThan(Date.now() + 5 * 60_000);
    const signed = await request(stack.gallery.url).get(body.urls.thumbnail).expect(200);
    expect(signed.headers['content-type']).toBe('image/webp');
    await request(stack.gallery.url).get(body.urls.file).expect(200);

    // Bob's signed URL, pointed at Ada's image; Ada's URL for the other variant; a forged
    // expiry; an expired one: all 404.
    const bobsUrl = (await api(bob).get(`/images/${bobs}`).expect(200)).body.urls.file as string;
    await request(stack.gallery.url).get(bobsUrl.replace(bobs, id)).expect(404);
    await request(stack.gallery.url)
      .get((body.urls.file as string).replace('/file?', '/thumbnail?'))
      .expect(404);
    const later = (body.urls.file as string).replace(
      /exp=(\d+)/,
      (_, e) => `exp=${Number(e) + 60}`,
    );
    await request(stack.gallery.url).get(later).expect(404);
    await request(stack.gallery.url).get(`/api/v1/images/${id}/file?exp=1&sig=abc`).expect(404);
    // A bad token is refused even where a signature would do.
    await request(stack.gallery.url)
      .get(body.urls.file)
      .auth('nonsense', { type: 'bearer' })
      .expect(401);
  });

  it.each([
    ['an empty signature', (url: string) => url.replace(/sig=[\w-]+/, 'sig=')],
    [
      'a signature of other characters',
      (url: string) => url.replace(/sig=[\w-]+/, 'sig=%2B%2F%3D'),
    ],
    [
      'a signature too long to be one',
      (url: string) => url.replace(/sig=/, `sig=${'a'.repeat(300)}`),
    ],
    ['an expiry that is not a number', (url: string) => url.replace(/exp=\d+/, 'exp=soon')],
    ['an empty expiry', (url: string) => url.replace(/exp=\d+/, 'exp=')],
  ])('answers 404, as for any altered signature, to a signed URL with %s', async (_, alter) => {
    const [id] = await stack.ingest(ada, [{ prompt: 'altered' }]);
    const { body } = await api(ada).get(`/images/${id}`).expect(200);
    await request(stack.gallery.url).get(body.urls.file).expect(200);
    const res = await request(stack.gallery.url)
      .get(alter(body.urls.file as string))
      .expect(404);
    expect(res.body.code).toBe('NOT_FOUND');
  });

  it('lists own images page by page, newest or oldest first, with every filter', async () => {
    const carol = await stack.signUp();
    const board = (await api(carol).post('/boards').send({ name: 'Cats' }).expect(201)).body;
    const base = Date.parse('2026-01-01T00:00:00.000Z');
    const ids = await stack.ingest(
      carol,
      Array.from({ length: 9 }, (_, i) => ({
        prompt: `picture ${i}`,
        modelId: i % 3 === 0 ? 'model-b' : 'model-a',
        boardId: i < 4 ? board.id : null,
        createdAt: new Date(base + i * 60_000),
      })),
    );
    await api(carol).patch(`/images/${ids[1]}`).send({ starred: true }).expect(200);
    await api(carol).patch(`/images/${ids[5]}`).send({ starred: true }).expect(200);

    const all = async (query: Record<string, string | number>) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: request.Response = await api(carol)
          .get('/images')
          .query({ ...query, limit: 2, ...(cursor ? { cursor } : {}) })
          .expect(200);
        seen.push(...res.body.items.map((i: { id: string }) => i.id));
        cursor = res.body.nextCursor;
      } while (cursor);
      return seen;
    };
    const pick = (...idx: number[]) => idx.map((i) => ids[i]);
    expect(await all({})).toEqual(pick(8, 7, 6, 5, 4, 3, 2, 1, 0));
    expect(await all({ order: 'oldest' })).toEqual(pick(0, 1, 2, 3, 4, 5, 6, 7, 8));
    expect(await all({ boardId: board.id })).toEqual(pick(3, 2, 1, 0));
    expect(await all({ boardId: 'none' })).toEqual(pick(8, 7, 6, 5, 4));
    expect(await all({ starred: 'true' })).toEqual(pick(5, 1));
    expect(await all({ starred: 'false', boardId: board.id })).toEqual(pick(3, 2, 0));
    expect(await all({ modelId: 'model-b' })).toEqual(pick(6, 3, 0));
    expect(
      await all({
        from: new Date(base + 2 * 60_000).toISOString(),
        to: new Date(base + 5 * 60_000).toISOString(),
      }),
    ).toEqual(pick(4, 3, 2));
    for (const query of [
      { limit: 0 },
      { limit: 101 },
      { order: 'random' },
      { starred: 'yes' },
      { boardId: 'cats' },
      { from: 'yesterday' },
      { cursor: 'bm90LWEtY3Vyc29y' },
    ]) {
      const res = await api(carol).get('/images').query(query).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
    // Nobody else's images, whatever the filters.
    const theirs = await api(ada).get('/images').query({ boardId: board.id }).expect(200);
    expect(theirs.body.items).toEqual([]);
  });

  it('stars an image and moves it between boards; another user’s board or image is 404', async () => {
    const [id] = await stack.ingest(ada, [{ prompt: 'to organise' }]);
    const board = (await api(ada).post('/boards').send({ name: 'Keep' }).expect(201)).body;
    const bobsBoard = (await api(bob).post('/boards').send({ name: 'Keep' }).expect(201)).body;
    const moved = await api(ada).patch(`/images/${id}`).send({ starred: true, boardId: board.id });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ starred: true, boardId: board.id });
    const away = await api(ada).patch(`/images/${id}`).send({ boardId: bobsBoard.id }).expect(404);
    expect(away.body.code).toBe('BOARD_NOT_FOUND');
    await api(bob).patch(`/images/${id}`).send({ starred: false }).expect(404);
    for (const body of [{ starred: 'yes' }, { boardId: 'x' }, { owner: bob.userId }, []]) {
      const res = await api(ada).patch(`/images/${id}`).send(body).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
    const off = await api(ada).patch(`/images/${id}`).send({ boardId: null }).expect(200);
    expect(off.body).toMatchObject({ starred: true, boardId: null });
  });

  it('deletes at once from lists (one or many), then removes the files by a job', async () => {
    const ids = await stack.ingest(ada, [
      { prompt: 'gone 1' },
      { prompt: 'gone 2' },
      { prompt: 'gone 3' },
    ]);
    const files = (
      await stack.sql<{ storage_key: string; thumbnail_key: string }>(
        `SELECT "storage_key", "thumbnail_key" FROM "images" WHERE "id" = ANY($1)`,
        [ids],
      )
    ).flatMap((r) => [r.storage_key, r.thumbnail_key]);
    await api(bob).delete(`/images/${ids[0]}`).expect(404);
    await api(ada).delete(`/images/${ids[0]}`).expect(204);
    await api(ada).delete(`/images/${ids[0]}`).expect(404);
    const bulk = await api(ada)
      .post('/images/delete')
      .send({ ids: [ids[1], ids[2], ids[0]] })
      .expect(200);
    expect(bulk.body).toEqual({ deleted: [ids[1], ids[2]], notFound: [ids[0]] });
    const listed = await api(ada).get('/images').query({ limit: 100 }).expect(200);
    expect(listed.body.items.map((i: { id: string }) => i.id)).not.toEqual(
      expect.arrayContaining([ids[0]]),
    );
    for (const id of ids) await api(ada).get(`/images/${id}/file`).expect(404);
    await eventually(
      async () => {
        const left = await Promise.all(
          files.map((key) =>
            access(join(stack.storageDir, key)).then(
              () => key,
              () => null,
            ),
          ),
        );
        return left.every((k) => k === null) ? true : undefined;
      },
      10_000,
      'files removed',
    );
    for (const body of [{}, { ids: [] }, { ids: ['x'] }, { ids: Array(101).fill(ids[0]) }]) {
      const res = await api(ada).post('/images/delete').send(body).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
  });

  it('keeps boards with counts and a cover; names are unique per user; deleting keeps or takes the images', async () => {
    const dana = await stack.signUp();
    const a = (await api(dana).post('/boards').send({ name: '  Portraits ' }).expect(201)).body;
    expect(a).toMatchObject({ name: 'Portraits', imageCount: 0, cover: null });
    const dup = await api(dana).post('/boards').send({ name: 'portraits' }).expect(409);
    expect(dup.body.code).toBe('BOARD_NAME_TAKEN');
    const b = (await api(dana).post('/boards').send({ name: '풍경' }).expect(201)).body;
    const base = Date.now() - 60_000;
    const onA = await stack.ingest(dana, [
      { prompt: 'p1', boardId: a.id, createdAt: new Date(base) },
      { prompt: 'p2', boardId: a.id, createdAt: new Date(base + 1000) },
    ]);
    const onB = await stack.ingest(dana, [{ prompt: 'l1', boardId: b.id }]);
    const boards = (await api(dana).get('/boards').expect(200)).body.items;
    expect(boards.map((x: { name: string; imageCount: number }) => [x.name, x.imageCount])).toEqual(
      [
        ['Portraits', 2],
        ['풍경', 1],
      ],
    );
    expect(boards[0].cover.imageId).toBe(onA[1]);
    await request(stack.gallery.url).get(boards[0].cover.thumbnail).expect(200);

    await api(dana).patch(`/boards/${b.id}`).send({ name: 'PORTRAITS' }).expect(409);
    const renamed = await api(dana)
      .patch(`/boards/${b.id}`)
      .send({ name: 'Landscapes' })
      .expect(200);
    expect(renamed.body.name).toBe('Landscapes');
    await api(ada).patch(`/boards/${b.id}`).send({ name: 'mine now' }).expect(404);
    await api(ada).delete(`/boards/${b.id}`).expect(404);
    for (const body of [
      {},
      { name: '' },
      { name: 'x'.repeat(101) },
      { name: 'a\u0000b' },
      { name: 5 },
    ]) {
      const res = await api(dana).post('/boards').send(body).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
    await api(dana).delete(`/boards/${b.id}`).query({ includeImages: 'maybe' }).expect(400);

    const kept = await api(dana).delete(`/boards/${a.id}`).expect(200);
    expect(kept.body).toEqual({ deletedImages: 0 });
    for (const id of onA) {
      const res = await api(dana).get(`/images/${id}`).expect(200);
      expect(res.body.boardId).toBeNull();
    }
    const taken = await api(dana)
      .delete(`/boards/${b.id}`)
      .query({ includeImages: 'true' })
      .expect(200);
    expect(taken.body).toEqual({ deletedImages: 1 });
    await api(dana).get(`/images/${onB[0]}`).expect(404);
    expect((await api(dana).get('/boards').expect(200)).body.items).toEqual([]);
  });

  it('rebuilds the search index from the database with npm run search:reindex', async () => {
    const [{ n }] = await stack.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM "images" WHERE "deleted_at" IS NULL`,
    );
    const reindex = spawnBuilt('apps/gallery-service/src/reindex.js', {
      ...testEnv({ schema: stack.schema.schema, namespace: stack.namespace }),
      STORAGE_DIR: stack.storageDir,
    });
    expect(await reindex.exited).toBe(0);
    expect(reindex.stdout.join('\n')).toMatch(
      new RegExp(`^reindexed ${n} image\\(s\\) on postgres in`),
    );
  });

  it('answers /ready with the search backend it uses', async () => {
    const res = await request(stack.gallery.url).get('/ready').expect(200);
    expect(res.body.details).toMatchObject({ search_postgres: { status: 'up' } });
  });
});
