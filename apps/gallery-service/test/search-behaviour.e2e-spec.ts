import type { Env } from '@pingvas/common';
import { eventually, type GalleryUser, uniqueName } from '@pingvas/testing';
import request from 'supertest';
import { initialConsonants } from '../src/search/hangul';
import { fixturePrompts, NAMED } from './fixtures/prompts';
import { bootGalleryStack, type GalleryStack } from './gallery-stack';

/**
 * One behaviour suite for every search backend (DESIGN §8): PostgreSQL always; Elasticsearch
 * when ELASTICSEARCH_URL points at one with the Nori plugin (none runs on this machine).
 */
const ES_URL = process.env.ELASTICSEARCH_URL;
const BACKENDS: { backend: string; env: Env }[] = [
  { backend: 'postgres', env: {} },
  ...(ES_URL
    ? [
        {
          backend: 'elasticsearch',
          env: {
            ELASTICSEARCH_URL: ES_URL,
            ELASTICSEARCH_INDEX: uniqueName('t-images').replace(/_/g, '-'),
          },
        },
      ]
    : []),
];
if (!ES_URL) {
  process.stdout.write(
    'search behaviour suite: Elasticsearch SKIPPED because ELASTICSEARCH_URL is not set (no Elasticsearch server here); PostgreSQL runs, and the Elasticsearch adapter is covered by its unit tests\n',
  );
  describe('search behaviour on elasticsearch', () => {
    it.skip('skipped: ELASTICSEARCH_URL is not set, so there is no Elasticsearch to run against', () =>
      undefined);
  });
}

describe.each(BACKENDS)('search behaviour on $backend', ({ backend, env }) => {
  const prompts = fixturePrompts();
  const base = Date.parse('2026-03-01T00:00:00.000Z');
  let stack: GalleryStack;
  let ada: GalleryUser;
  let bob: GalleryUser;
  let ids: string[];
  let bobIds: Set<string>;
  let boardId: string;
  const promptOf = new Map<string, string>();

  const search = (user: GalleryUser, query: Record<string, string | number>) =>
    request(stack.gallery.url)
      .get('/api/v1/search/images')
      .query(query)
      .auth(user.token, { type: 'bearer' });

  /** Every hit, following the cursor to the end. */
  const allHits = async (
    user: GalleryUser,
    query: Record<string, string | number>,
    limit = 100,
  ) => {
    const hits: { id: string; prompt: string }[] = [];
    let cursor: string | null = null;
    do {
      const res: request.Response = await search(user, {
        ...query,
        limit,
        ...(cursor ? { cursor } : {}),
      });
      expect(res.status).toBe(200);
      hits.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    return hits;
  };
  const idsContaining = (word: string) =>
    ids.filter((id) => promptOf.get(id)!.toLowerCase().includes(word.toLowerCase()));

  beforeAll(async () => {
    stack = await bootGalleryStack(env);
    [ada, bob] = [await stack.signUp(), await stack.signUp()];
    const board = await request(stack.gallery.url)
      .post('/api/v1/boards')
      .auth(ada.token, { type: 'bearer' })
      .send({ name: 'Favourites' })
      .expect(201);
    boardId = board.body.id;
    // Ada's images a minute apart; every fifth on the board, model-b on every seventh.
    ids = await stack.ingest(
      ada,
      prompts.map((prompt, i) => ({
        prompt,
        createdAt: new Date(base + i * 60_000),
        boardId: i % 5 === 0 ? boardId : null,
        modelId: i % 7 === 0 ? 'model-b' : 'model-a',
      })),
    );
    ids.forEach((id, i) => promptOf.set(id, prompts[i]));
    // Bob has the very same prompts: none of his may ever reach Ada.
    bobIds = new Set(
      await stack.ingest(
        bob,
        prompts.map((prompt) => ({ prompt })),
      ),
    );
    // Star every other image with 고양이 or 수채화.
    for (const id of [...idsContaining('고양이'), ...idsContaining('수채화')].filter(
      (_, i) => i % 2 === 0,
    )) {
      await request(stack.gallery.url)
        .patch(`/api/v1/images/${id}`)
        .auth(ada.token, { type: 'bearer' })
        .send({ starred: true })
        .expect(200);
    }
    // The index follows the database through a queue: wait until it has caught up.
    await eventually(
      async () =>
        (await allHits(ada, { q: '수채화', starred: 'true' })).length > 0 ? true : undefined,
      30_000,
      `${backend} index caught up`,
      200,
    );
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it(`has a fixture of ${prompts.length} Korean and English prompts`, () => {
    expect(prompts.length).toBeGreaterThanOrEqual(200);
    expect(ids).toHaveLength(prompts.length);
  });

  it('finds both cats by 고양이, only the garden by 정원, both by ㄱㅇㅇ, and a black cat by CAT', async () => {
    const cats = (await allHits(ada, { q: '고양이' })).map((h) => h.prompt);
    expect(cats).toEqual(expect.arrayContaining([NAMED.cat1, NAMED.cat2]));
    expect(cats.every((p) => p.includes('고양이'))).toBe(true);

    const garden = (await allHits(ada, { q: '정원' })).map((h) => h.prompt);
    expect(garden).toEqual([NAMED.cat2]);

    const chosung = (await allHits(ada, { q: 'ㄱㅇㅇ' })).map((h) => h.prompt);
    expect(chosung).toEqual(expect.arrayContaining([NAMED.cat1, NAMED.cat2]));
    expect(chosung.every((p) => initialConsonants(p).includes('ㄱㅇㅇ'))).toBe(true);

    const cat = (await allHits(ada, { q: 'CAT' })).map((h) => h.prompt);
    expect(cat).toEqual([NAMED.blackCat]);
  });

  it('finds every image of a style word, each exactly once, across pages of any size', async () => {
    const expected = idsContaining('수채화');
    expect(expected.length).toBeGreaterThan(20);
    for (const limit of [100, 7, 1]) {
      const hits = (await allHits(ada, { q: '수채화' }, limit)).map((h) => h.id);
      expect(hits).toHaveLength(expected.length);
      expect(new Set(hits)).toEqual(new Set(expected));
    }
  });

  it('ranks the more similar prompt first, then the newer one', async () => {
    const hits = (await allHits(ada, { q: '고양이들이 노는 정원' })).map((h) => h.prompt);
    expect(hits[0]).toBe(NAMED.cat2);
  });

  it('suggests completions of 고양 from the user’s own prompts, prompts that start with it first', async () => {
    const res = await request(stack.gallery.url)
      .get('/api/v1/search/suggest')
      .query({ q: '고양' })
      .auth(ada.token, { type: 'bearer' })
      .expect(200);
    expect(res.body.items[0]).toMatch(/^고양이/);
    expect(res.body.items).toEqual(expect.arrayContaining([NAMED.cat1, NAMED.cat2]));
    expect(res.body.items.length).toBeLessThanOrEqual(10);
    const english = await request(stack.gallery.url)
      .get('/api/v1/search/suggest')
      .query({ q: 'a bla' })
      .auth(ada.token, { type: 'bearer' })
      .expect(200);
    expect(english.body.items).toEqual([NAMED.blackCat]);
  });

  it('never shows another user’s images, whatever the query and filters', async () => {
    const queries: Record<string, string>[] = [
      { q: '고양이' },
      { q: 'ㄱㅇㅇ' },
      { q: 'cat' },
      { q: '수채화', starred: 'true' },
      { q: '수채화', boardId },
      { q: '수채화', boardId: 'none', modelId: 'model-a' },
    ];
    for (const query of queries) {
      const hits = await allHits(ada, query);
      expect([query, hits.length > 0]).toEqual([query, true]);
      expect(hits.filter((h) => bobIds.has(h.id))).toEqual([]);
    }
    // Bob searching with Ada's board sees nothing of hers.
    expect(await allHits(bob, { q: '수채화', boardId })).toEqual([]);
    const suggestions = await request(stack.gallery.url)
      .get('/api/v1/search/suggest')
      .query({ q: '고양' })
      .auth(bob.token, { type: 'bearer' })
      .expect(200);
    expect(suggestions.body.items).toEqual(expect.arrayContaining([NAMED.cat2]));
  });

  it('combines the query with every filter', async () => {
    const rows = await stack.sql<{
      id: string;
      starred: boolean;
      board_id: string | null;
      model_id: string;
      created_at: Date;
    }>(
      `SELECT "id", "starred", "board_id", "model_id", "created_at" FROM "images" WHERE "id" = ANY($1)`,
      [idsContaining('수채화')],
    );
    const from = new Date(base + 40 * 60_000);
    const to = new Date(base + 140 * 60_000);
    const cases: [Record<string, string>, (r: (typeof rows)[number]) => boolean][] = [
      [{ starred: 'true' }, (r) => r.starred],
      [{ starred: 'false' }, (r) => !r.starred],
      [{ boardId }, (r) => r.board_id === boardId],
      [{ boardId: 'none' }, (r) => r.board_id === null],
      [{ modelId: 'model-b' }, (r) => r.model_id === 'model-b'],
      [
        { from: from.toISOString(), to: to.toISOString() },
        (r) => r.created_at >= from && r.created_at < to,
      ],
      [
        { starred: 'true', modelId: 'model-a', boardId: 'none' },
        (r) => r.starred && r.model_id === 'model-a' && r.board_id === null,
      ],
    ];
    for (const [filters, keep] of cases) {
      const expected = rows.filter(keep).map((r) => r.id);
      expect([filters, expected.length > 0]).toEqual([filters, true]); // each case tells something
      const hits = (await allHits(ada, { q: '수채화', ...filters }, 5)).map((h) => h.id);
      expect([filters, new Set(hits)]).toEqual([filters, new Set(expected)]);
      expect(hits).toHaveLength(expected.length);
    }
  });

  it('drops a deleted image from the very next search', async () => {
    const [victim] = (await allHits(ada, { q: '픽셀아트' })).map((h) => h.id);
    await request(stack.gallery.url)
      .delete(`/api/v1/images/${victim}`)
      .auth(ada.token, { type: 'bearer' })
      .expect(204);
    const after = (await allHits(ada, { q: '픽셀아트' })).map((h) => h.id);
    expect(after).not.toContain(victim);
    expect(after).toHaveLength(idsContaining('픽셀아트').length - 1);
  });

  it('refuses a bad query with 400 and a code', async () => {
    for (const query of [
      {},
      { q: '' },
      { q: '   ' },
      { q: 'x'.repeat(201) },
      { q: 'a', limit: 0 },
      { q: 'a', cursor: 'bm9wZQ' },
      { q: 'a', starred: 'maybe' },
    ]) {
      const res = await search(ada, query as Record<string, string>).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
    await request(stack.gallery.url).get('/api/v1/search/images?q=a').expect(401);
  });
});
