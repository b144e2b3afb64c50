import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { dataSourceOptions, dropSchema, migrateService } from '@pingvas/database';
import { DataSource } from 'typeorm';
import { GALLERY_DATABASE } from '../apps/gallery-service/src/database';
import { PromptSearchRepository } from '../apps/gallery-service/src/images/prompt-search.repository';
import { initialConsonants } from '../apps/gallery-service/src/search/hangul';
import { PostgresImageSearch } from '../apps/gallery-service/src/search/postgres-search';
import { percentile } from './bench-stats';

/**
 * `npm run bench:search`: 100,000 images with Korean (and some English) prompts in a throwaway
 * schema, then the PostgreSQL adapter's search and suggest as gallery-service calls them, for
 * random owners and queries; prints p50/p95 per kind of query.
 */
const IMAGES = Number(process.env.BENCH_IMAGES ?? 100_000);
const OWNERS = Number(process.env.BENCH_OWNERS ?? 50);
const RUNS = Number(process.env.BENCH_RUNS ?? 200);
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/pingvas';
/** BENCH_KEEP_SCHEMA=1 leaves the loaded schema behind (its name is printed) for EXPLAIN. */
const KEEP_SCHEMA = process.env.BENCH_KEEP_SCHEMA === '1';

const SUBJECTS = [
  '고양이',
  '강아지',
  '여우',
  '토끼',
  '호랑이',
  '용',
  '소녀',
  '소년',
  '기사',
  '마법사',
  '로봇',
  '우주비행사',
  '부엉이',
  '사슴',
  '고래',
  '나비',
  '해바라기',
  '등대',
  '기차',
  '성',
];
const PLACES = [
  '바닷가',
  '숲속',
  '도시',
  '사막',
  '설산',
  '카페',
  '도서관',
  '지하철역',
  '궁전',
  '들판',
  '정원',
  '우주',
  '항구',
  '골목길',
  '호수',
];
const ADJECTIVES = [
  '귀여운',
  '신비로운',
  '거대한',
  '작은',
  '빛나는',
  '오래된',
  '슬픈',
  '행복한',
  '고요한',
  '화려한',
];
const STYLES = [
  '수채화',
  '유화',
  '픽셀아트',
  '사이버펑크',
  '애니메이션 스타일',
  '사진',
  '연필 스케치',
  '판타지 일러스트',
  '미니멀리즘',
  '한국화',
];
const EN = [
  'a black cat on a window sill',
  'red fox in the snow, watercolor',
  'old lighthouse at dusk',
  'tiny robot reading a book',
  'paper boat on a river',
];

const SEARCHES: Record<string, string[]> = {
  'one Korean word': ['고양이', '정원', '수채화', '등대', '마법사', '해바라기'],
  'two Korean words': ['귀여운 고양이', '바닷가 등대', '숲속 여우'],
  초성: ['ㄱㅇㅇ', 'ㅅㅊㅎ', 'ㄷㄷ'],
  English: ['cat', 'lighthouse', 'robot'],
};
const PREFIXES = ['고양', '바닷', '수채', '사이버', 'ㄱㅇ', 'red'];

function pick<T>(list: T[], n: number): T {
  return list[n % list.length];
}

/** A fixed-seed generator (mulberry32), so every run loads the same prompts. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = random(42);
const any = <T>(list: T[]): T => list[Math.floor(rand() * list.length)];

/** Nine in ten prompts Korean (place, adjective, subject, style), one in ten English. */
function prompt(): string {
  if (rand() < 0.1) return `${any(EN)}, ${any(STYLES)}`;
  return `${any(PLACES)}의 ${any(ADJECTIVES)} ${any(SUBJECTS)}, ${any(STYLES)}`;
}

async function main(): Promise<void> {
  const schema = `bench_search_${randomBytes(4).toString('hex')}`;
  const location = { url: DATABASE_URL, schema };
  await migrateService(location, GALLERY_DATABASE);
  const dataSource = await new DataSource(
    dataSourceOptions(location, GALLERY_DATABASE),
  ).initialize();
  try {
    const owners = Array.from({ length: OWNERS }, () => randomUUID());
    const t0 = performance.now();
    const base = Date.parse('2026-01-01T00:00:00.000Z');
    for (let start = 0; start < IMAGES; start += 2000) {
      const rows = Array.from({ length: Math.min(2000, IMAGES - start) }, (_, k) => start + k);
      const prompts = rows.map(() => prompt());
      await dataSource.query(
        `INSERT INTO "images" ("id", "owner_id", "generation_id", "index", "model_id", "model_name",
           "prompt", "prompt_chosung", "seed", "width", "height", "steps", "guidance_scale",
           "storage_key", "bytes", "created_at")
         SELECT gen_random_uuid(), o, gen_random_uuid(), 0, 'tiny-sd', 'tiny-sd', p, c, 1, 512, 512, 4, 1,
           'images/x.png', 1000, t
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[]) AS u(o, p, c, t)`,
        [
          // One heavy owner holds a fifth of everything; the rest share the remainder.
          rows.map(() => (rand() < 0.2 ? owners[0] : any(owners.slice(1)))),
          prompts,
          prompts.map(initialConsonants),
          rows.map((n) => new Date(base + n * 1000)),
        ],
      );
    }
    await dataSource.query(`ANALYZE "images"`);
    const loadSeconds = (performance.now() - t0) / 1000;
    const search = new PostgresImageSearch(new PromptSearchRepository(dataSource));

    const out: string[] = [
      `bench:search — PostgreSQL adapter (pg_trgm), ${IMAGES.toLocaleString('en')} images over ${OWNERS} owners, loaded in ${loadSeconds.toFixed(1)} s`,
      `${RUNS} calls per row, first page of 30 (suggest: 10); one owner holds a fifth of all images`,
      '',
      'call                     p50 ms   p95 ms   mean hits',
      `the other owners (about ${Math.round((IMAGES * 0.8) / (OWNERS - 1))} images each):`,
    ];
    /** The heavy owner's p95s of the issue-18 table row, in its order. */
    const heavyRow: Record<string, { p50: number; p95: number }> = {};
    const measure = async (
      label: string,
      call: (owner: string, i: number) => Promise<number>,
      only?: string,
    ) => {
      const times: number[] = [];
      let hits = 0;
      for (let i = 0; i < RUNS + 10; i++) {
        const owner = only ?? owners[1 + ((i * 13) % (OWNERS - 1))];
        const t = performance.now();
        const n = await call(owner, i);
        if (i >= 10) {
          times.push(performance.now() - t);
          hits += n;
        }
      }
      if (only) heavyRow[label] = { p50: percentile(times, 50), p95: percentile(times, 95) };
      out.push(
        `${label.padEnd(24)} ${percentile(times, 50).toFixed(1).padStart(6)}   ${percentile(times, 95).toFixed(1).padStart(6)}   ${(hits / RUNS).toFixed(1).padStart(9)}`,
      );
    };
    for (const [label, queries] of Object.entries(SEARCHES)) {
      await measure(`search: ${label}`, async (ownerId, i) => {
        const page = await search.search({ ownerId, q: pick(queries, i), limit: 30 });
        return page.ids.length;
      });
    }
    await measure('search: page 2 (cursor)', async (ownerId, i) => {
      const q = pick(SEARCHES['one Korean word'], i);
      const first = await search.search({ ownerId, q, limit: 30 });
      const second = await search.search({
        ownerId,
        q,
        limit: 30,
        cursor: first.nextCursor ?? undefined,
      });
      return second.ids.length;
    });
    await measure(
      'suggest',
      async (ownerId, i) => (await search.suggest(ownerId, pick(PREFIXES, i), 10)).length,
    );
    const [{ n: heavy }] = await dataSource.query(
      `SELECT count(*)::int AS n FROM "images" WHERE "owner_id" = $1`,
      [owners[0]],
    );
    out.push(`the heavy owner (${Number(heavy).toLocaleString('en')} images):`);
    for (const [label, queries] of Object.entries(SEARCHES)) {
      await measure(
        `search: ${label}`,
        async (ownerId, i) =>
          (await search.search({ ownerId, q: pick(queries, i), limit: 30 })).ids.length,
        owners[0],
      );
    }
    await measure(
      'suggest',
      async (ownerId, i) => (await search.suggest(ownerId, pick(PREFIXES, i), 10)).length,
      owners[0],
    );
    const row = ['search: one Korean word', 'search: 초성', 'suggest'].map((l) => heavyRow[l]);
    const fmt = (k: 'p50' | 'p95') => row.map((r) => r[k].toFixed(1)).join(' / ');
    out.push(
      '',
      `| heavy owner (${Math.round(Number(heavy) / 1000)}k images) search p95: one Korean word / 초성 / suggest | ${fmt('p95')} ms | (p50 ${fmt('p50')} ms) |`,
    );
    process.stdout.write(`${out.join('\n')}\n(page 2 times both calls)\n`);
  } finally {
    await dataSource.destroy();
    if (KEEP_SCHEMA) process.stdout.write(`schema kept: ${schema}\n`);
    else await dropSchema(location);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(
      `bench:search failed: ${err instanceof Error ? err.stack : String(err)}\n`,
    );
    process.exit(1);
  },
);
