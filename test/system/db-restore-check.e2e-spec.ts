import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { dropSchema, migrateService } from '@pingvas/database';
import { TEST_DATABASE_URL, uniqueName } from '@pingvas/testing';
import { GALLERY_DATABASE } from '../../apps/gallery-service/src/database';
import { GENERATION_DATABASE } from '../../apps/generation-service/src/database';
import { MODEL_DATABASE } from '../../apps/model-service/src/database';
import { PAYMENT_DATABASE } from '../../apps/payment-service/src/database';
import { SYSTEM_DATABASE } from '../../apps/system-worker/src/database';
import { USER_DATABASE } from '../../apps/user-service/src/database';
import { compareFigures, formatComparison } from '../../scripts/db-restore-check/figures';
import {
  createScratchDatabase,
  dumpAtSnapshot,
  readFiguresAt,
  restoreDump,
  runRestoreCheck,
} from '../../scripts/db-restore-check/restore-check';

const ROOT = join(__dirname, '..', '..');
const run = promisify(execFile);

/** The environment's tables as `npm run migrate` makes them, in the order it applies them. */
const DATABASES = [
  USER_DATABASE,
  PAYMENT_DATABASE,
  MODEL_DATABASE,
  GENERATION_DATABASE,
  GALLERY_DATABASE,
  SYSTEM_DATABASE,
];

async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const scratchDatabases = () =>
  withClient(TEST_DATABASE_URL, async (c) =>
    (
      await c.query<{ datname: string }>(
        `SELECT datname FROM pg_database WHERE datname LIKE 'restore\\_check\\_%' ORDER BY 1`,
      )
    ).rows.map((r) => r.datname),
  );

/**
 * Rows a careless dump or restore would lose or change: NULLs, Korean text, bytea with zero
 * bytes, json, arrays, NaN and infinities, text with tabs, newlines and backslashes (COPY's
 * escapes), a large value, and rows in the application's own tables (triggers, a sequence,
 * gin indexes on pg_trgm from public).
 */
async function fillSchema(client: Client, schema: string): Promise<void> {
  await client.query(`SET search_path TO "${schema}"`);
  await client.query(`
    CREATE TABLE odd_values (
      id bigserial PRIMARY KEY,
      label text NOT NULL,
      note text,
      payload bytea,
      doc jsonb,
      tags text[],
      amount numeric,
      ratio double precision,
      at timestamptz
    )`);
  await client.query(
    `INSERT INTO odd_values (label, note, payload, doc, tags, amount, ratio, at) VALUES
       ('비어 있음', NULL, NULL, NULL, NULL, NULL, NULL, NULL),
       ('창가의 고양이 🐈', E'tab\\there\\nnew line \\\\ backslash', '\\x00ff00'::bytea,
        '{"프롬프트": "한강의 야경", "n": [1, 2.5, null], "nested": {"ok": true}}',
        ARRAY['ㅎㄱ', NULL, 'a,b', '"quoted"'], 12345678901234567890.0123456789,
        'NaN', '2026-12-03 12:34:56.789012+09'),
       ('끝없음', '', '\\x'::bytea, '[]', '{}', -0.0, '-Infinity', 'infinity'),
       ('큰 값', repeat('가나다라', 50000), decode(repeat('00ff', 40000), 'hex'), '"문자열"',
        ARRAY[]::text[], 0, 1e-300, '1970-01-01 00:00:00+00')`,
  );
  await client.query(
    `INSERT INTO users (id, email, password_hash, display_name, locale, email_verified_at)
     SELECT gen_random_uuid(), 'user' || i || '@example.com', 'argon2id$' || md5(i::text),
            CASE WHEN i % 3 = 0 THEN NULL ELSE '사용자 ' || i END,
            CASE WHEN i % 2 = 0 THEN 'ko' ELSE 'en' END,
            CASE WHEN i % 5 = 0 THEN now() END
       FROM generate_series(1, 500) AS i`,
  );
  await client.query(
    `INSERT INTO credit_accounts (user_id, plan_id, available, reserved)
     SELECT id, (SELECT id FROM plans ORDER BY id LIMIT 1), 100, 0 FROM users`,
  );
  await client.query(
    `INSERT INTO credit_ledger (user_id, kind, available_delta, reserved_delta, reason)
     SELECT user_id, 'grant', 100, 0, '가입 보너스' FROM credit_accounts`,
  );
  await client.query(
    `INSERT INTO images (id, owner_id, generation_id, index, model_id, model_name, prompt,
                         prompt_chosung, seed, width, height, steps, guidance_scale,
                         storage_key, bytes, created_at)
     SELECT gen_random_uuid(), u.id, gen_random_uuid(), 0, 'tiny-sd', '작은 모델',
            '한강의 야경 ' || g, 'ㅎㄱㅇ ㅇㄱ ' || g, 9007199254740991 - g, 512, 512, 4, 7.5,
            'images/' || g || '.png', 1024 * g, now() - g * interval '1 minute'
       FROM generate_series(1, 300) AS g
       JOIN LATERAL (SELECT id FROM users ORDER BY email OFFSET g LIMIT 1) AS u ON true`,
  );
}

describe('npm run db:restore-check', () => {
  const schema = uniqueName('t_restore');

  beforeAll(async () => {
    for (const db of DATABASES) await migrateService({ url: TEST_DATABASE_URL, schema }, db);
    await withClient(TEST_DATABASE_URL, (c) => fillSchema(c, schema));
  });

  afterAll(() => dropSchema({ url: TEST_DATABASE_URL, schema }));

  it('restores every table with the same rows while a writer keeps inserting, and removes its scratch database', async () => {
    const before = await scratchDatabases();
    let stop = false;
    let written = 0;
    let firstWrite!: () => void;
    const writing = new Promise<void>((resolve) => (firstWrite = resolve));
    const writer = withClient(TEST_DATABASE_URL, async (c) => {
      while (!stop) {
        await c.query(`INSERT INTO "${schema}".odd_values (label) VALUES ('동시 쓰기')`);
        written += 1;
        firstWrite();
      }
    });
    let report: Awaited<ReturnType<typeof runRestoreCheck>>;
    try {
      await writing;
      report = await runRestoreCheck(TEST_DATABASE_URL, [schema]);
    } finally {
      stop = true;
      await writer;
    }
    process.stdout.write(`${formatComparison(report.comparison).join('\n')}\n`);

    expect(report.comparison.filter((c) => c.problem)).toEqual([]);
    expect(report.ok).toBe(true);
    const rows = Object.fromEntries(
      report.comparison.map((c) => [c.table.slice(schema.length + 1), c.restored?.rows]),
    );
    expect(rows).toMatchObject({ users: 500, credit_accounts: 500, credit_ledger: 500 });
    expect(rows.images).toBe(300);
    expect(report.comparison.length).toBeGreaterThanOrEqual(DATABASES.length * 2);
    // The writer's rows up to the snapshot are on both sides; it kept committing after the
    // snapshot, and those rows are in neither.
    expect(rows.odd_values).toBeGreaterThan(4);
    expect(rows.odd_values).toBeLessThan(4 + written);
    expect(await scratchDatabases()).toEqual(before);
  });

  it('restores the odd values exactly, and names the table whose restored rows differ', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'restore-check-spec-'));
    const file = join(dir, 'schema.dump');
    const scratch = await createScratchDatabase(TEST_DATABASE_URL, [schema]);
    try {
      const source = await dumpAtSnapshot(TEST_DATABASE_URL, [schema], file);
      await restoreDump(scratch.url, file);
      const oddValues = (url: string) =>
        withClient(
          url,
          async (c) =>
            (await c.query(`SELECT * FROM "${schema}".odd_values WHERE id <= 4 ORDER BY id`)).rows,
        );
      const restoredRows = await oddValues(scratch.url);
      expect(restoredRows).toHaveLength(4);
      expect(restoredRows).toEqual(await oddValues(TEST_DATABASE_URL));
      expect(compareFigures(source, await readFiguresAt(scratch.url, [schema]))).not.toContainEqual(
        expect.objectContaining({ problem: expect.any(String) }),
      );

      await withClient(scratch.url, async (c) => {
        await c.query(`UPDATE "${schema}".odd_values SET note = 'changed' WHERE id = 1`);
        await c.query(
          `DELETE FROM "${schema}".users WHERE id = (SELECT id FROM "${schema}".users LIMIT 1)`,
        );
      });
      const problems = compareFigures(source, await readFiguresAt(scratch.url, [schema]))
        .filter((c) => c.problem)
        .map((c) => [c.table, c.problem]);
      // Deleting a user cascades to nothing in the user tables filled here (no tokens, no keys).
      expect(problems).toEqual([
        [`${schema}.odd_values`, 'same row count, different contents'],
        [`${schema}.users`, '500 rows in the source, 499 restored'],
      ]);
    } finally {
      await scratch.drop();
      await rm(dir, { recursive: true, force: true });
    }
    expect(await scratchDatabases()).not.toContain(scratch.name);
  });

  it('prints the figures and exits 0 from the command line, 1 for a schema that does not exist', async () => {
    const cli = (schemas: string[]) =>
      run(
        process.execPath,
        [
          join(ROOT, 'dist', 'scripts', 'db-restore-check.js'),
          ...schemas.flatMap((s) => ['--schema', s]),
        ],
        { cwd: ROOT, env: { ...process.env, APP_ENV: 'test', DATABASE_URL: TEST_DATABASE_URL } },
      );
    const { stdout } = await cli([schema]);
    expect(stdout).toMatch(new RegExp(`^${schema}\\.users +500 +500 +\\w{12} +\\w{12} +ok$`, 'm'));
    expect(stdout).toMatch(
      new RegExp(`restore check of ${schema}: \\d+ tables, \\d+ rows; .*: ok\\n$`),
    );

    const missing = `${schema}_missing`;
    const failure = await cli([missing]).then(
      () => undefined,
      (err: { code: number; stderr: string }) => err,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain(`no matching schemas were found for pattern "${missing}"`);
  });
});
