import { randomUUID } from 'node:crypto';
import { createTestSchema, dataSourceOptions, type TestSchema } from '@pingvas/database';
import { TEST_DATABASE_URL } from '@pingvas/testing';
import { DataSource } from 'typeorm';
import { GALLERY_DATABASE } from '../src/database';
import { PromptSearchRepository } from '../src/images/prompt-search.repository';
import { SearchGrams1796300000000 } from '../src/migrations/1796300000000-SearchGrams';
import { initialConsonants, isInitialConsonantQuery } from '../src/search/hangul';
import { escapeLike, PostgresImageSearch } from '../src/search/postgres-search';

/**
 * The PostgreSQL search's fast paths (issue 18: the n-gram index, the newest-first page of
 * rank 1, suggest from the newest images and the prefix indexes) against the plain statements
 * they replace, on an owner with more images than any fast path reads, so both its answer and
 * its fallback run; plus the matching rules the n-grams added (one character, two consonants).
 */
const PLACES = ['바닷가', '숲속', '정원', '도시', '카페', '궁전', '들판', '우주'];
const ADJECTIVES = ['귀여운', '거대한', '작은', '고요한', '화려한'];
const SUBJECTS = ['고양이', '강아지', '용', '여우', '등대', '돌담', '도둑', '마법사'];
const STYLES = ['수채화', '유화', '픽셀아트', '사진', '한국화'];
const EN = ['a black cat', 'red fox in the snow', 'old lighthouse', 'tiny robot'];

function promptAt(n: number): string {
  if (n % 9 === 0) return `${EN[n % EN.length]}, ${STYLES[n % STYLES.length]}`;
  if (n % 11 === 0) return `고양이들이 노는 ${PLACES[n % PLACES.length]}`;
  const place = PLACES[(n * 7) % PLACES.length];
  const adjective = ADJECTIVES[(n * 3) % ADJECTIVES.length];
  const subject = SUBJECTS[(n * 5) % SUBJECTS.length];
  return `${place}의 ${adjective} ${subject}, ${STYLES[(n * 13) % STYLES.length]}`;
}

describe('PostgreSQL search fast paths', () => {
  const IMAGES = 3200;
  const heavy = randomUUID();
  const other = randomUUID();
  let schema: TestSchema;
  let dataSource: DataSource;
  let search: PostgresImageSearch;
  const prompts = new Map<string, string>();

  /** The ranking statement the fast paths replace: every match ranked. */
  async function reference(ownerId: string, q: string): Promise<string[]> {
    const chosung = isInitialConsonantQuery(q);
    const column = chosung ? '"prompt_chosung"' : '"prompt"';
    const text = chosung ? initialConsonants(q) : q.toLowerCase();
    const words = text.split(/\s+/).filter(Boolean);
    const rows: { id: string }[] = await dataSource.query(
      `SELECT "id" FROM "images" WHERE "owner_id" = $1 AND "deleted_at" IS NULL
         AND ${words.map((_, i) => `${column} ILIKE $${i + 3}`).join(' AND ')}
       ORDER BY round(public.word_similarity($2, ${column})::numeric, 4) DESC,
         "created_at" DESC, "id" DESC`,
      [ownerId, text, ...words.map((w) => `%${escapeLike(w)}%`)],
    );
    return rows.map((r) => r.id);
  }

  /** The suggest statement the fast paths replace: every match grouped. */
  async function referenceSuggest(ownerId: string, prefix: string): Promise<string[]> {
    const chosung = isInitialConsonantQuery(prefix);
    const p = escapeLike(chosung ? initialConsonants(prefix) : prefix.toLowerCase());
    const starts = chosung ? `"prompt_chosung" LIKE $2` : `lower("prompt") LIKE $2`;
    const words = chosung ? `"prompt_chosung" LIKE $3` : `"prompt" ILIKE $3`;
    const rows: { prompt: string }[] = await dataSource.query(
      `SELECT "prompt" FROM "images"
       WHERE "owner_id" = $1 AND "deleted_at" IS NULL AND (${starts} OR ${words})
       GROUP BY "prompt" ORDER BY bool_or(${starts}) DESC, max("created_at") DESC, "prompt"
       LIMIT 10`,
      [ownerId, `${p}%`, `% ${p}%`],
    );
    return rows.map((r) => r.prompt);
  }

  /** Every hit the adapter gives, following its cursor. */
  async function allPages(
    ownerId: string,
    q: string,
    limit: number,
    max = Infinity,
  ): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | undefined;
    while (ids.length < max) {
      const page = await search.search({ ownerId, q, limit, cursor });
      ids.push(...page.ids);
      if (!page.nextCursor) return ids;
      cursor = page.nextCursor;
    }
    return ids;
  }

  beforeAll(async () => {
    schema = await createTestSchema(TEST_DATABASE_URL, GALLERY_DATABASE);
    dataSource = await new DataSource(dataSourceOptions(schema, GALLERY_DATABASE)).initialize();
    const base = Date.parse('2026-02-01T00:00:00.000Z');
    const rows = Array.from({ length: IMAGES }, (_, n) => ({
      id: randomUUID(),
      owner: n % 8 === 7 ? other : heavy,
      prompt: promptAt(n),
      // Pairs share a timestamp, so the id decides between them.
      createdAt: new Date(base + Math.floor(n / 2) * 1000),
    }));
    rows.forEach((r) => prompts.set(r.id, r.prompt));
    await dataSource.query(
      `INSERT INTO "images" ("id", "owner_id", "generation_id", "index", "model_id", "model_name",
         "prompt", "prompt_chosung", "seed", "width", "height", "steps", "guidance_scale",
         "storage_key", "bytes", "created_at")
       SELECT i, o, gen_random_uuid(), 0, 'm', 'm', p, c, 1, 64, 64, 1, 1, 'k', 1, t
       FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::timestamptz[]) AS u(i, o, p, c, t)`,
      [
        rows.map((r) => r.id),
        rows.map((r) => r.owner),
        rows.map((r) => r.prompt),
        rows.map((r) => initialConsonants(r.prompt)),
        rows.map((r) => r.createdAt),
      ],
    );
    // Some tombstones among the newest, which no path may return.
    await dataSource.query(`UPDATE "images" SET "deleted_at" = now() WHERE "id" = ANY($1)`, [
      rows.filter((_, n) => n % 13 === 5).map((r) => r.id),
    ]);
    await dataSource.query(`ANALYZE "images"`);
    search = new PostgresImageSearch(new PromptSearchRepository(dataSource));
  }, 120_000);

  afterAll(async () => {
    await dataSource?.destroy();
    await schema?.drop();
  });

  it.each([
    '고양이',
    '정원',
    '수채화',
    '용',
    '귀여운 고양이',
    '고양',
    'ㄱㅇㅇ',
    'ㄷㄷ',
    'ㄷ',
    'CAT',
    'red fox',
  ])('answers %s exactly as ranking every match does, across pages', async (q) => {
    const expected = await reference(heavy, q);
    expect(expected.length).toBeGreaterThan(0);
    expect(await allPages(heavy, q, 30)).toEqual(expected);
    expect(await allPages(heavy, q, 7, 70)).toEqual(expected.slice(0, 70));
    expect(await allPages(other, q, 30)).toEqual(await reference(other, q));
  });

  it('finds a one-syllable word and a two-consonant 초성 query wherever they appear', async () => {
    const live = new Set(await reference(heavy, '용'));
    const dragons = (await allPages(heavy, '용', 100)).map((id) => prompts.get(id)!);
    expect(dragons.length).toBe(live.size);
    expect(dragons.every((p) => p.includes('용'))).toBe(true);
    const dd = (await allPages(heavy, 'ㄷㄷ', 100)).map((id) => prompts.get(id)!);
    expect(dd.length).toBeGreaterThan(0);
    expect(dd.every((p) => initialConsonants(p).includes('ㄷㄷ'))).toBe(true);
    // 돌담 and 도둑 are both ㄷㄷ.
    expect(dd.some((p) => p.includes('돌담'))).toBe(true);
    expect(dd.some((p) => p.includes('도둑'))).toBe(true);
  });

  it.each(['고양', '바닷', '정원', '수채', 'ㄱㅇ', 'ㄷ', 'red', 'a bl', '용', 'zzz'])(
    'suggests for %s exactly what grouping every match does',
    async (prefix) => {
      expect(await search.suggest(heavy, prefix, 10)).toEqual(
        await referenceSuggest(heavy, prefix),
      );
      expect(await search.suggest(other, prefix, 10)).toEqual(
        await referenceSuggest(other, prefix),
      );
    },
  );

  it('suggests the prompts that start with the prefix first, then word matches', async () => {
    const got = await search.suggest(heavy, '고양', 10);
    expect(got[0]).toMatch(/^고양이들이/);
    expect(got.some((p) => !p.startsWith('고양'))).toBe(true);
    expect(got.every((p) => / ?고양/.test(p))).toBe(true);
  });

  it('fills search_grams for rows that existed before the migration, and rebuilds its index', async () => {
    const before: { g: string[] }[] = await dataSource.query(
      `SELECT "search_grams" AS g FROM "images" ORDER BY "id" LIMIT 50`,
    );
    await dataSource.query(`DROP INDEX "images_search_grams"`);
    await dataSource.query(`ALTER TABLE "images" DISABLE TRIGGER "images_search_grams"`);
    await dataSource.query(`UPDATE "images" SET "search_grams" = NULL`);
    await dataSource.query(`ALTER TABLE "images" ENABLE TRIGGER "images_search_grams"`);
    const runner = dataSource.createQueryRunner();
    try {
      await new SearchGrams1796300000000().up(runner);
    } finally {
      await runner.release();
    }
    const [{ missing }] = await dataSource.query(
      `SELECT count(*)::int AS missing FROM "images" WHERE "search_grams" IS NULL`,
    );
    expect(missing).toBe(0);
    const after: { g: string[] }[] = await dataSource.query(
      `SELECT "search_grams" AS g FROM "images" ORDER BY "id" LIMIT 50`,
    );
    expect(after.map((r) => [...r.g].sort())).toEqual(before.map((r) => [...r.g].sort()));
    const [index] = await dataSource.query(
      `SELECT x.indisvalid AS valid FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid
       WHERE c.relname = 'images_search_grams' AND c.relnamespace = current_schema()::regnamespace`,
    );
    expect(index).toEqual({ valid: true });
    expect(await allPages(heavy, 'ㄷㄷ', 30)).toEqual(await reference(heavy, 'ㄷㄷ'));
  });

  it('keeps search_grams for a new image: every character and pair, of the prompt and its 초성', async () => {
    const id = randomUUID();
    await dataSource.query(
      `INSERT INTO "images" ("id", "owner_id", "generation_id", "index", "model_id", "model_name",
         "prompt", "prompt_chosung", "seed", "width", "height", "steps", "guidance_scale",
         "storage_key", "bytes", "created_at")
       VALUES ($1, $2, gen_random_uuid(), 0, 'm', 'm', 'Red 용', 'red ㅇ', 1, 64, 64, 1, 1, 'k', 1, now())`,
      [id, randomUUID()],
    );
    const [{ g }] = await dataSource.query(
      `SELECT "search_grams" AS g FROM "images" WHERE "id" = $1`,
      [id],
    );
    expect([...g].sort()).toEqual(['d', 'e', 'ed', 'r', 're', 'ㅇ', '용'].sort());
  });
});
