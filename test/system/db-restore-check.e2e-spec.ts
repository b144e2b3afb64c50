import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { dropSchema, withClient } from '@pingvas/database';
import { TEST_DATABASE_URL, uniqueName } from '@pingvas/testing';
import { compareFigures, formatComparison } from '../../scripts/db-restore-check/figures';
import {
  createScratchDatabase,
  dumpAtSnapshot,
  readFiguresAt,
  restoreDump,
  runRestoreCheck,
} from '../../scripts/db-restore-check/restore-check';
import { DATABASES } from '../../scripts/databases';
import { createFilledSchema } from '../support/backup-data';

const ROOT = join(__dirname, '..', '..');
const run = promisify(execFile);

const scratchDatabases = () =>
  withClient(TEST_DATABASE_URL, async (c) =>
    (
      await c.query<{ datname: string }>(
        `SELECT datname FROM pg_database WHERE datname LIKE 'restore\\_check\\_%' ORDER BY 1`,
      )
    ).rows.map((r) => r.datname),
  );

describe('npm run db:restore-check', () => {
  const schema = uniqueName('t_restore');

  beforeAll(() => createFilledSchema(TEST_DATABASE_URL, schema));

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
